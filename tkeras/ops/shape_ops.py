"""Reshaping, joining, slicing and selecting tensors (Keras 3 names; TensorFlow's argument spellings too)."""
import builtins

import numpy as np
import torch

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import pair


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
    return tensor(x).reshape(tuple(-1 if d is None else int(d) for d in target))


@user_op
def transpose(x, axes=None, perm=None, conjugate=False, name=None):
    x = tensor(x)
    order = perm if axes is None else axes
    if order is None:
        return x.permute(tuple(reversed(range(x.dim()))))
    return x.permute(_ints(order))


@user_op
def expand_dims(x, axis, name=None):
    return torch.unsqueeze(tensor(x), int(axis))


@user_op
def squeeze(x, axis=None, name=None, squeeze_dims=None):
    x = tensor(x)
    axis = squeeze_dims if axis is None else axis
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
    return torch.cat(_same_dtype(xs), dim=int(axis))


def concat(values, axis, name=None):
    """TensorFlow's `tf.concat(values, axis)` (axis is required)."""
    return concatenate(values, axis=axis)


@user_op
def stack(x, axis=0, name=None):
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
    return tensor(x).repeat(_ints(repeats if multiples is None else multiples))


@user_op
def repeat(x, repeats, axis=None):
    x = tensor(x)
    if axis is None:
        return torch.repeat_interleave(x.reshape(-1), repeats)
    return torch.repeat_interleave(x, repeats, dim=int(axis))


@user_op
def where(condition, x1=None, x2=None, name=None, x=None, y=None):
    """Keras' `where(condition, x1, x2)`; TensorFlow's keywords `x=`/`y=` are accepted too."""
    x = x1 if x is None else x
    y = x2 if y is None else y
    condition = tensor(condition).bool()
    if x is None and y is None:
        return torch.nonzero(condition)
    if x is None or y is None:
        raise ValueError("where: pass both x and y, or neither (then the indices of True values are returned)")
    a, b = pair(x, y)
    return torch.where(condition, a, b)


@user_op
def gather(params, indices, axis=None, batch_dims=0, name=None):
    params = tensor(params)
    index = tensor(indices).long()
    axis = 0 if axis is None else int(axis) % params.dim()
    if batch_dims:
        raise NotImplementedError("gather: batch_dims is not supported in tkeras; index each batch item instead")
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
    hot = torch.nn.functional.one_hot(tensor(indices).long().clamp_min(0), int(classes)).to(out_dtype)
    hot = hot * (tensor(indices).long() >= 0).unsqueeze(-1).to(out_dtype)  # TF: negative index -> all off
    if on_value != 1.0 or off_value != 0.0:
        hot = hot * (on_value - off_value) + off_value
    if axis not in (-1, hot.dim() - 1):
        hot = torch.movedim(hot, -1, int(axis))
    return hot


@user_op
def sort(x, axis=-1, direction="ASCENDING", name=None):
    return torch.sort(tensor(x), dim=int(axis), descending=direction == "DESCENDING").values


@user_op
def argsort(x, axis=-1, direction="ASCENDING", stable=False, name=None):
    return torch.sort(tensor(x), dim=int(axis), descending=direction == "DESCENDING", stable=True).indices


@user_op
def top_k(x, k=1, sorted=True, name=None):  # noqa: A002 - TensorFlow's name
    values, indices = torch.topk(tensor(x), int(k), dim=-1, sorted=sorted)
    return values, indices.to(torch.int32)


@user_op
def flip(x, axis=None):
    x = tensor(x)
    return torch.flip(x, dims=tuple(range(x.dim())) if axis is None else _ints(axis))


reverse = user_op(lambda tensor_, axis, name=None: torch.flip(tensor(tensor_), dims=_ints(axis)))


@user_op
def pad(x, pad_width=None, mode="constant", constant_values=0, paddings=None, name=None):
    x = tensor(x)
    widths = [tuple(int(v) for v in w) for w in (pad_width if paddings is None else paddings)]
    flat = [v for w in reversed(widths) for v in w]
    return torch.nn.functional.pad(x, flat, mode=mode.lower(), value=constant_values if mode.lower() == "constant" else None)


@user_op
def broadcast_to(x, shape, name=None):
    return torch.broadcast_to(tensor(x), _ints(shape))


@user_op
def slice(inputs, start_indices, shape):  # noqa: A001 - Keras' name
    x = tensor(inputs)
    index = tuple(builtins.slice(int(s), int(s) + int(n) if int(n) != -1 else None)
                  for s, n in zip(_ints(start_indices), _ints(shape)))
    return x[index]
