"""Reshaping, joining, slicing and selecting tensors (Keras 3 names; TensorFlow's argument spellings too)."""
import builtins
import collections

import numpy as np
import torch

from tkeras.ops.core import for_user, tensor, user_op
from tkeras.ops.math_ops import pair
from tkeras.ops.text import as_text_array, concatenate_text, is_text, rearranged_text


def _ints(values):
    if isinstance(values, torch.Tensor):
        values = values.tolist()
    if isinstance(values, (int, np.integer)):
        return (int(values),)
    return tuple(int(v) for v in values)


@user_op
def reshape(x, newshape=None, name=None, shape=None):
    target = shape if newshape is None else newshape
    if target is None:
        raise TypeError("reshape: pass the new shape (newshape= or, in TensorFlow's spelling, shape=)")
    if isinstance(target, torch.Tensor):
        target = target.tolist()
    if isinstance(target, (int, np.integer)):
        target = (target,)
    target = tuple(-1 if d is None else int(d) for d in target)
    if type(x) is not torch.Tensor and is_text(x):
        return rearranged_text(np.reshape, x, target)
    return tensor(x).reshape(target)


@user_op
def transpose(x, axes=None, perm=None, conjugate=False, name=None):
    order = perm if axes is None else axes
    if type(x) is not torch.Tensor and is_text(x):
        return rearranged_text(np.transpose, x, None if order is None else _ints(order))
    x = tensor(x)
    if order is None:
        return x.permute(tuple(reversed(range(x.dim()))))
    return x.permute(_ints(order))


@user_op
def expand_dims(x, axis, name=None):
    """`axis` may be a tuple: each entry is a position in the result, as NumPy."""
    axes = _ints(axis)
    if type(x) is not torch.Tensor and is_text(x):
        return rearranged_text(np.expand_dims, x, axes)
    x = tensor(x)
    rank = x.dim() + len(axes)
    positions = sorted(a % rank if -rank <= a < rank else _bad_axis("expand_dims", axis, rank) for a in axes)
    if len(set(positions)) != len(positions):
        raise ValueError(f"expand_dims: argument 'axis' repeats an axis: {axis!r}")
    for a in positions:
        x = torch.unsqueeze(x, a)
    return x


def _bad_axis(op, axis, rank):
    raise ValueError(f"{op}: argument 'axis' = {axis!r} is out of range for a result of rank {rank}")


@user_op
def squeeze(x, axis=None, name=None, squeeze_dims=None):
    axis = squeeze_dims if axis is None else axis
    if type(x) is not torch.Tensor and is_text(x):
        return rearranged_text(np.squeeze, x, None if axis is None else _ints(axis))
    x = tensor(x)
    if axis is None:
        return torch.squeeze(x)
    for a in sorted((int(a) % x.dim() for a in _ints(axis)), reverse=True):
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {a} of a tensor of shape {tuple(x.shape)}: its size is "
                             f"{x.shape[a]}, not 1")
        x = torch.squeeze(x, a)
    return x


def _same_dtype(values):
    tensors = [tensor(v) for v in values]
    if len({t.dtype for t in tensors}) > 1:
        first = tensors[0]
        tensors = [first] + [pair(first, t)[1] for t in tensors[1:]]
    return tensors


@user_op
def concatenate(xs, axis=0):
    """axis=None joins the flattened inputs, as NumPy. String arrays are joined as text."""
    if len(xs) and not isinstance(xs[0], torch.Tensor) and is_text(xs[0]):
        return concatenate_text(xs, axis)
    if axis is None:
        return torch.cat([t.reshape(-1) for t in _same_dtype(xs)])
    return torch.cat(_same_dtype(xs), dim=int(axis))


def concat(values, axis, name=None):
    """TensorFlow's `tf.concat(values, axis)` (axis is required)."""
    return concatenate(values, axis=axis)


def _stack_of_nothing(axis):
    """TensorFlow stacks an empty list along axis 0 into an empty float32 vector (the list is taken as a
    constant), which a decoding loop that ends before its first token relies on; along any other axis there
    is no first value to give the result its shape."""
    if int(axis) != 0:
        raise ValueError(f"stack: an empty list can only be stacked along axis 0 (giving an empty float32 "
                         f"vector); received axis={axis}")
    return tensor([])


@user_op
def stack(x, axis=0, name=None):
    if not len(x):
        return _stack_of_nothing(axis)
    if type(x[0]) is not torch.Tensor and is_text(x[0]):
        return rearranged_text(np.stack, [as_text_array(v) for v in x], axis=int(axis))
    return torch.stack(_same_dtype(x), dim=int(axis))


@user_op
def unstack(x, num=None, axis=0, name=None):
    return list(torch.unbind(tensor(x), dim=int(axis)))


@user_op
def split(x, indices_or_sections=None, axis=0, num_or_size_splits=None, num=None, name=None):
    x = tensor(x)
    spec = num_or_size_splits if indices_or_sections is None else indices_or_sections
    if isinstance(spec, (int, np.integer)):
        if x.shape[axis] % int(spec):
            raise ValueError(f"split: axis {axis} of size {x.shape[axis]} cannot be split into {spec} equal parts")
        return list(torch.chunk(x, int(spec), dim=int(axis)))
    if num_or_size_splits is not None:  # TensorFlow: sizes of the pieces
        return list(torch.split(x, list(_ints(spec)), dim=int(axis)))
    return list(torch.tensor_split(x, list(_ints(spec)), dim=int(axis)))  # NumPy: split points


@user_op
def tile(x, repeats, name=None, multiples=None):
    """NumPy's rule: `repeats` shorter than x's rank is padded with leading 1s (longer adds leading axes)."""
    counts = _ints(repeats if multiples is None else multiples)
    if type(x) is not torch.Tensor and is_text(x):
        return rearranged_text(np.tile, x, counts)
    x = tensor(x)
    counts = (1,) * (x.dim() - len(counts)) + counts
    return x.repeat(counts)


@user_op
def repeat(x, repeats, axis=None):
    """NumPy's rule for `repeats`: one count (an int or a one-element list, `[784]`) applies to every
    element, a sequence gives each element its own count."""
    if type(x) is not torch.Tensor and is_text(x):
        counts = repeats.tolist() if isinstance(repeats, torch.Tensor) else repeats
        return rearranged_text(np.repeat, x, counts, axis=None if axis is None else int(axis))
    x = tensor(x)
    repeats = _repeat_counts(repeats, x.device)
    if axis is None:
        return torch.repeat_interleave(x.reshape(-1), repeats)
    return torch.repeat_interleave(x, repeats, dim=int(axis))


def _repeat_counts(repeats, device):
    if isinstance(repeats, (int, np.integer)):
        return int(repeats)
    counts = torch.as_tensor(np.asarray(repeats) if isinstance(repeats, (list, tuple)) else repeats,
                             device=device).reshape(-1).long()
    return int(counts[0]) if counts.numel() == 1 else counts


@user_op
def where(condition, x1=None, x2=None, name=None, x=None, y=None):
    """Keras' `where(condition, x1, x2)`; TensorFlow's keywords `x=`/`y=` are accepted too.

    With the condition alone it gives what Keras 3 gives on JAX (NumPy's `nonzero`): a tuple of one int32
    index vector per axis, which indexes `x[where(c)]` directly. TensorFlow's (N, rank) layout is `tf_where`.
    """
    x = x1 if x is None else x
    y = x2 if y is None else y
    condition = tensor(condition).bool()
    if x is None and y is None:
        return tuple(index.to(torch.int32) for index in torch.nonzero(condition, as_tuple=True))
    if x is None or y is None:
        raise ValueError("where: pass both x and y, or neither (then the indices of True values are returned)")
    a, b = pair(x, y)
    return torch.where(condition, a, b)


@user_op
def tf_where(condition, x=None, y=None, name=None):
    """TensorFlow's `tf.where`: with the condition alone, the int64 (N, rank) coordinates of True values."""
    if x is None and y is None:
        return torch.nonzero(tensor(condition).bool())
    return where(condition, x=x, y=y)


@user_op
def gather(params, indices, axis=None, batch_dims=0, name=None):
    params = tensor(params)
    index = tensor(indices).long()
    axis = 0 if axis is None else int(axis) % params.dim()
    if batch_dims:
        from tkeras.ops.batched_gather import gather_per_batch
        return gather_per_batch(params, index, axis, batch_dims)
    result = torch.index_select(params, axis, index.reshape(-1))
    return result.reshape(params.shape[:axis] + index.shape + params.shape[axis + 1:])


@user_op
def take(x, indices, axis=None):
    """NumPy's take: axis=None indexes the flattened tensor; negative indices count from the end."""
    x, index = tensor(x), tensor(indices).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not -x.dim() <= int(axis) < builtins.max(x.dim(), 1):
        raise ValueError(f"take: axis {axis} is out of range for 'x' of rank {x.dim()}")
    axis = int(axis) % x.dim()
    index = torch.where(index < 0, index + x.shape[axis], index)
    result = torch.index_select(x, axis, index.reshape(-1))
    return result.reshape(x.shape[:axis] + index.shape + x.shape[axis + 1:])


@user_op
def one_hot(indices, depth=None, num_classes=None, on_value=1.0, off_value=0.0, axis=-1, dtype=None, name=None):
    classes = num_classes if depth is None else depth
    if classes is None:
        raise TypeError("one_hot: pass the number of classes (depth= in TensorFlow, num_classes= in Keras)")
    from tkeras.ops.core import to_torch_dtype
    out_dtype = to_torch_dtype(dtype) or torch.float32
    indices = tensor(indices).long()
    # A negative or out-of-range index matches no class: an all-off row (Keras, TF), not an error.
    hot = (indices.unsqueeze(-1) == torch.arange(int(classes), device=indices.device)).to(out_dtype)
    if on_value != 1.0 or off_value != 0.0:
        hot = hot * (on_value - off_value) + off_value
    if axis not in (-1, hot.dim() - 1):
        hot = torch.movedim(hot, -1, int(axis))
    return hot


def _sort_input(x, axis):
    """axis=None sorts the flattened tensor (NumPy); a 0-d tensor sorts as one element."""
    x = tensor(x)
    if axis is None or x.dim() == 0:
        return x.reshape(-1), 0
    return x, int(axis)


@user_op
def sort(x, axis=-1, direction="ASCENDING", name=None):
    x, axis = _sort_input(x, axis)
    return torch.sort(x, dim=axis, descending=direction == "DESCENDING").values


@user_op
def argsort(x, axis=-1, direction="ASCENDING", stable=False, name=None):
    x, axis = _sort_input(x, axis)
    # int32 indices, as Keras (and tf.argsort) give
    return torch.sort(x, dim=axis, descending=direction == "DESCENDING", stable=True).indices.to(torch.int32)


@user_op
def top_k(x, k=1, sorted=True, name=None):  # noqa: A002 - TensorFlow's name
    """The k largest along the last axis, always sorted; among equal values the lowest index comes first
    (Keras/JAX), which torch.topk does not promise."""
    x = tensor(x)
    keys = x.to(torch.uint8) if x.dtype == torch.bool else x
    indices = torch.sort(keys, dim=-1, descending=True, stable=True).indices[..., :int(k)]
    return TopK(for_user(torch.gather(x, -1, indices)), for_user(indices.to(torch.int32)))


# tf.math.top_k's result: `values, indices = top_k(...)` unpacks it, and TensorFlow code (Hands-On ML's beam
# search) reads `.values` and `.indices`.
TopK = collections.namedtuple("TopKV2", ["values", "indices"])


@user_op
def flip(x, axis=None):
    x = tensor(x)
    return torch.flip(x, dims=tuple(range(x.dim())) if axis is None else _ints(axis))


reverse = user_op(lambda tensor_, axis, name=None: torch.flip(tensor(tensor_), dims=_ints(axis)))


PAD_MODES = ("constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect", "symmetric",
             "wrap", "circular", "empty")


def _pad_widths(op, widths, rank):
    """NumPy's pad_width forms (an int, (pad,), (before, after), or one pair per axis) as one pair per axis."""
    if isinstance(widths, torch.Tensor):
        widths = widths.tolist()
    array = np.asarray(widths, dtype=object)
    try:
        array = np.broadcast_to(np.asarray(widths, dtype=np.int64).reshape(-1, 2) if array.ndim == 2
                                else np.asarray(widths, dtype=np.int64), (rank, 2))
    except ValueError:
        raise ValueError(f"{op}: 'pad_width' {widths!r} does not fit a tensor of rank {rank}; pass an int, "
                         f"(before, after) or one (before, after) pair per axis") from None
    if np.any(array < 0):
        raise ValueError(f"{op}: 'pad_width' must not be negative, received {widths!r}")
    return [tuple(int(v) for v in pair_) for pair_ in array]


def _source_positions(mode, before, size, after, device):
    """For each output position along one axis, the input position it copies (index-based modes)."""
    p = torch.arange(-before, size + after, device=device)
    if mode == "edge":
        return p.clamp(0, size - 1)
    if mode in ("wrap", "circular"):
        return p.remainder(size)
    if mode == "reflect":  # mirror without repeating the edge: period 2 * (size - 1)
        if size == 1:
            return torch.zeros_like(p)
        p = p.remainder(2 * size - 2)
        return torch.where(p >= size, 2 * size - 2 - p, p)
    p = p.remainder(2 * size)  # symmetric: mirror repeating the edge, period 2 * size
    return torch.where(p >= size, 2 * size - 1 - p, p)


def _stat_pad(mode, x, axis, before, after):
    """Pads one axis with the axis' max/min/mean/median (integers rounded, as NumPy)."""
    values = x if x.is_floating_point() else x.double()
    if mode == "maximum":
        stat = torch.amax(x, dim=axis, keepdim=True)
    elif mode == "minimum":
        stat = torch.amin(x, dim=axis, keepdim=True)
    elif mode == "mean":
        stat = torch.mean(values, dim=axis, keepdim=True)
    else:
        stat = torch.quantile(values.movedim(axis, -1).float() if values.dtype == torch.float16 else
                              values.movedim(axis, -1), 0.5, dim=-1, keepdim=True).movedim(-1, axis)
    if not x.is_floating_point():
        stat = torch.round(stat)
    stat = stat.to(x.dtype)
    sizes = list(x.shape)
    parts = []
    for width in (before, None, after):
        if width is None:
            parts.append(x)
        elif width:
            sizes[axis] = width
            parts.append(stat.expand(sizes))
    return torch.cat(parts, dim=axis)


def _ramp_pad(x, axis, before, after):
    """NumPy's linear_ramp with end value 0: a straight line from 0 up to the edge value."""
    values = x if x.is_floating_point() else x.double()
    n = x.shape[axis]
    parts = []
    if before:
        edge = values.narrow(axis, 0, 1)
        steps = torch.arange(before, device=x.device, dtype=values.dtype) / before
        parts.append(edge * steps.reshape([-1 if i == axis else 1 for i in range(x.dim())]))
    parts.append(values)
    if after:
        edge = values.narrow(axis, n - 1, 1)
        steps = torch.arange(after - 1, -1, -1, device=x.device, dtype=values.dtype) / after
        parts.append(edge * steps.reshape([-1 if i == axis else 1 for i in range(x.dim())]))
    result = torch.cat(parts, dim=axis)
    return result if x.is_floating_point() else torch.trunc(result).to(x.dtype)  # NumPy truncates here


@user_op
def pad(x, pad_width=None, mode="constant", constant_values=None, paddings=None, name=None):
    """NumPy's pad: every mode Keras 3 documents, on any rank (torch's own pad covers only some)."""
    x = tensor(x)
    mode = mode.lower() if isinstance(mode, str) else mode
    if mode not in PAD_MODES:
        raise ValueError(f"pad: argument 'mode' must be one of {PAD_MODES}, received {mode!r}")
    if constant_values not in (None, 0) and mode != "constant":  # 0: tf.pad's default, ignored as TensorFlow
        raise ValueError(f"pad: 'constant_values' can only be given with mode='constant', received mode={mode!r}")
    widths = _pad_widths("pad", pad_width if paddings is None else paddings, x.dim())
    if mode in ("constant", "empty"):
        flat = [v for w in reversed(widths) for v in w]
        value = 0 if constant_values is None or mode == "empty" else constant_values
        integer_tensor = not x.is_floating_point() and x.dtype != torch.bool
        if isinstance(value, int) and not isinstance(value, bool) and integer_tensor:
            value = int(torch.tensor(value).to(x.dtype))  # wrapped into the dtype, as Keras does
        if x.dtype == torch.bool:
            return torch.nn.functional.pad(x.to(torch.uint8), flat, value=int(bool(value))).bool()
        return torch.nn.functional.pad(x, flat, value=value)
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        if x.shape[axis] == 0:
            raise ValueError(f"pad: mode {mode!r} cannot pad axis {axis}, which is empty")
        if mode in ("maximum", "minimum", "mean", "median"):
            x = _stat_pad(mode, x, axis, before, after)
        elif mode == "linear_ramp":
            x = _ramp_pad(x, axis, before, after)
        else:
            x = torch.index_select(x, axis, _source_positions(mode, before, x.shape[axis], after, x.device))
    return x


@user_op
def broadcast_to(x, shape, name=None):
    return torch.broadcast_to(tensor(x), _ints(shape))


@user_op
def slice(inputs, start_indices, shape):  # noqa: A001 - Keras' name
    """A window of `shape` (-1: to the end) at `start_indices`; a start that would run the window past
    the edge is moved back inside, as Keras (lax.dynamic_slice) does, so the result has `shape`."""
    x = tensor(inputs)
    index = []
    for dim, (s, n) in enumerate(zip(_ints(start_indices), _ints(shape))):
        size = x.shape[dim]
        n = size - s if n == -1 else n
        if not 0 <= n <= size:
            raise ValueError(f"slice: 'shape' {n} of dimension {dim} does not fit its size {size}")
        start = min(max(s + size if s < 0 else s, 0), size - n)  # negative starts count from the end
        index.append(builtins.slice(start, start + n))
    return x[tuple(index)]
