"""`keras.ops.rearrange`: einops-style axis reordering, splitting and merging, e.g.
`rearrange(x, "b (h w) c -> b h w c", h=4)`, as one reshape, one permute and one reshape.
"""
import math
import re

from tkeras.ops.core import tensor as to_tensor, user_op

_TOKEN = re.compile(r"\(|\)|[A-Za-z_][A-Za-z0-9_]*|1")


def _parse(op, side):
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']] (a group per input axis)."""
    groups, current = [], None
    leftover = _TOKEN.sub(" ", side).strip()
    if leftover:
        raise ValueError(f"{op}: cannot read {leftover!r} in the pattern side {side!r} (only names, '1' and "
                         f"parentheses are supported)")
    for token in _TOKEN.findall(side):
        if token == "(":
            if current is not None:
                raise ValueError(f"{op}: nested parentheses in {side!r}")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"{op}: unbalanced parentheses in {side!r}")
            groups.append(current)
            current = None
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    if current is not None:
        raise ValueError(f"{op}: unbalanced parentheses in {side!r}")
    return groups


@user_op
def rearrange(tensor, pattern, **axes_lengths):
    op = "rearrange"
    x = to_tensor(tensor)
    if "->" not in pattern:
        raise ValueError(f"{op}: 'pattern' must look like 'inputs -> outputs', received {pattern!r}")
    left, right = (_parse(op, side) for side in pattern.split("->"))
    if len(left) != x.dim():
        raise ValueError(f"{op}: the pattern's input side names {len(left)} axes but the tensor has rank {x.dim()} "
                         f"(shape {tuple(x.shape)})")
    sizes = {name: int(v) for name, v in axes_lengths.items()}
    for group, size in zip(left, x.shape):
        names = [n for n in group if n != "1"]
        unknown = [n for n in names if n not in sizes]
        known = math.prod(sizes[n] for n in names if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"{op}: cannot split an axis of size {size} into {group} without the sizes of {unknown}")
        if unknown:
            if size % known:
                raise ValueError(f"{op}: axis of size {size} is not divisible by {known} for {group}")
            sizes[unknown[0]] = size // known
        elif known != size:
            raise ValueError(f"{op}: axis group {group} has size {known} but the tensor's axis has size {size}")
    elementary = [n for group in left for n in group if n != "1"]
    outputs = [n for group in right for n in group if n != "1"]
    if sorted(elementary) != sorted(outputs):
        raise ValueError(f"{op}: the two sides of {pattern!r} must name the same axes, received {elementary} and "
                         f"{outputs}")
    x = x.reshape([sizes[n] for n in elementary])
    x = x.permute([elementary.index(n) for n in outputs])
    return x.reshape([math.prod(sizes[n] for n in group if n != "1") for group in right])
