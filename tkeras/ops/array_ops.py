"""Keras 3's NumPy array ops for building, rearranging and indexing tensors beyond `shape_ops`
(`tri*`, `diag*`, `meshgrid`, `take_along_axis`, `roll`, `*stack`/`*split`, `kron`, `cross`, window
functions, ...), each on the input's device.
"""
import builtins

import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import _float_default, _shape, evenly_spaced, tensor, to_torch_dtype, user_op
from tkeras.ops.math_ops import _float_input, accumulator_dtype, pair
from tkeras.ops.reductions import axis_tuple
from tkeras.ops.shape_ops import _ints, _same_dtype


def _axis(op, x, axis, name="axis"):
    return axis_tuple(op, x, axis, name)[0]


def _matrix_input(op, x, name="x"):
    x = tensor(x)
    if x.dim() < 2:
        raise ValueError(f"{op}: argument {name!r} must have at least 2 dimensions, received shape {tuple(x.shape)}")
    return x


# -- creation ----------------------------------------------------------------------------------------

@user_op
def array(x, dtype=None):
    return tensor(x, dtype).clone() if isinstance(x, torch.Tensor) else tensor(x, dtype)


@user_op
def empty(shape, dtype=None):
    return torch.empty(_shape(shape), dtype=_float_default(dtype), device=config.device())


@user_op
def empty_like(x, dtype=None):
    return torch.empty_like(tensor(x), dtype=to_torch_dtype(dtype))


@user_op
def tri(N, M=None, k=0, dtype=None):
    columns = N if M is None else M
    ones = torch.ones((int(N), int(columns)), dtype=_float_default(dtype), device=config.device())
    return torch.tril(ones, diagonal=int(k))


@user_op
def tril(x, k=0):
    return torch.tril(_matrix_input("tril", x), diagonal=int(k))


@user_op
def triu(x, k=0):
    return torch.triu(_matrix_input("triu", x), diagonal=int(k))


@user_op
def diag(x, k=0):
    x = tensor(x)
    if x.dim() not in (1, 2):
        raise ValueError(f"diag: argument 'x' must be 1-D or 2-D, received shape {tuple(x.shape)}")
    return torch.diag(x, diagonal=int(k))


@user_op
def diagflat(x, k=0):
    return torch.diagflat(tensor(x), offset=int(k))


@user_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    x = _matrix_input("diagonal", x)
    return torch.diagonal(x, offset=int(offset), dim1=_axis("diagonal", x, axis1, "axis1"),
                          dim2=_axis("diagonal", x, axis2, "axis2"))


@user_op
def trace(x, offset=0, axis1=0, axis2=1):
    x = _matrix_input("trace", x)
    result = torch.sum(torch.diagonal(x, offset=int(offset), dim1=_axis("trace", x, axis1, "axis1"),
                                      dim2=_axis("trace", x, axis2, "axis2")), dim=-1)
    return result.to(accumulator_dtype(x.dtype))  # Keras' sum dtype (uint8 -> uint32, int8 -> int32)


@user_op
def meshgrid(*x, indexing="xy"):
    """Each grid keeps its own input's dtype, as Keras (torch's meshgrid wants one dtype)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: argument 'indexing' must be 'xy' or 'ij', received {indexing!r}")
    if not x:
        return []
    vectors = [tensor(v) for v in x]
    vectors = [v.to(vectors[0].device).reshape(-1) for v in vectors]
    shape = [v.shape[0] for v in vectors]
    if indexing == "xy" and len(shape) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, v in enumerate(vectors):
        axis = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and len(shape) > 1 else i
        grids.append(torch.broadcast_to(v.reshape([-1 if a == axis else 1 for a in range(len(shape))]), shape))
    return grids


def _spaced_result(values, dtype, input_float):
    """float64 points -> the requested dtype (integers truncated, as NumPy's astype)."""
    target = to_torch_dtype(dtype) or input_float or _float_default(None)
    return values.to(target) if target.is_floating_point else torch.trunc(values).to(target)


@user_op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    exponents, _, input_float = evenly_spaced(start, stop, num, endpoint, axis)
    return _spaced_result(torch.pow(torch.as_tensor(float(base), dtype=torch.float64, device=exponents.device),
                                    exponents), dtype, input_float)


@user_op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Points evenly spaced in log10 |value|, with the sign of `start`; the ends are exact."""
    first, last = (torch.tensor(float(v), dtype=torch.float64) if isinstance(v, (int, float, np.generic))
                   else tensor(v) for v in (start, stop))
    input_float = builtins.max((t.dtype for t in (first, last) if t.is_floating_point() and t.dim()),
                               key=lambda d: torch.finfo(d).bits, default=None)
    first, last = torch.broadcast_tensors(first.double(), last.to(first.device).double())
    if isinstance(start, torch.Tensor) or isinstance(stop, torch.Tensor):
        pass  # device tensors: the non-zero check would wait for the device
    elif bool(torch.any(first == 0)) or bool(torch.any(last == 0)):
        raise ValueError("geomspace: 'start' and 'stop' must be non-zero")
    exponents, _, _ = evenly_spaced(torch.log10(first.abs()), torch.log10(last.abs()), num, endpoint, 0)
    values = torch.sign(first) * torch.pow(10.0, exponents)
    if int(num) > 0:
        values[0] = first
        if endpoint and int(num) > 1:
            values[-1] = last
    if first.dim():
        values = torch.movedim(values, 0, int(axis))
    return _spaced_result(values, dtype, input_float)


@user_op
def vander(x, N=None, increasing=False):
    x = tensor(x)
    if x.dim() != 1:
        raise ValueError(f"vander: argument 'x' must be 1-D, received shape {tuple(x.shape)}")
    result = torch.vander(x, N=N, increasing=increasing)
    # Keras keeps the input's integer dtype (torch widens to int64)
    return result.to(x.dtype) if x.dtype in (torch.int8, torch.int16, torch.int32, torch.uint8) else result


def _window(name, torch_window):
    def op(x):
        length = int(x)
        if length < 1:
            return torch.zeros((0,), device=config.device())
        return torch_window(length, periodic=False, device=config.device())
    op.__name__ = op.__qualname__ = name
    return user_op(op)


bartlett = _window("bartlett", torch.bartlett_window)
blackman = _window("blackman", torch.blackman_window)
hamming = _window("hamming", torch.hamming_window)
hanning = _window("hanning", torch.hann_window)


@user_op
def kaiser(x, beta):
    return torch.kaiser_window(int(x), periodic=False, beta=float(beta), device=config.device())


# -- rearranging -------------------------------------------------------------------------------------

@user_op
def swapaxes(x, axis1, axis2):
    x = tensor(x)
    return torch.swapaxes(x, _axis("swapaxes", x, axis1, "axis1"), _axis("swapaxes", x, axis2, "axis2"))


@user_op
def moveaxis(x, source, destination):
    x = tensor(x)
    return torch.movedim(x, _ints(source), _ints(destination))


@user_op
def ravel(x):
    return tensor(x).reshape(-1)


@user_op
def roll(x, shift, axis=None):
    """A scalar `shift` with a tuple `axis` rolls every listed axis by it, as NumPy."""
    x = tensor(x)
    if axis is None:
        return torch.roll(x.reshape(-1), _ints(shift)).reshape(x.shape)
    shifts, axes = _ints(shift), _ints(axis)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    elif len(axes) == 1 and len(shifts) > 1:
        axes = axes * len(shifts)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: 'shift' {shift!r} and 'axis' {axis!r} must have the same length")
    return torch.roll(x, shifts, dims=axes)


@user_op
def rot90(array, k=1, axes=(0, 1)):
    x = _matrix_input("rot90", array, "array")
    return torch.rot90(x, int(k), dims=_ints(axes))


@user_op
def fliplr(x):
    return torch.fliplr(_matrix_input("fliplr", x))


@user_op
def flipud(x):
    return torch.flipud(tensor(x))


@user_op
def append(x1, x2, axis=None):
    a, b = pair(x1, x2)
    if axis is None:
        return torch.cat([a.reshape(-1), b.reshape(-1)])
    return torch.cat([a, b], dim=int(axis))


@user_op
def hstack(xs):
    return torch.hstack(_same_dtype(xs))


@user_op
def vstack(xs):
    return torch.vstack(_same_dtype(xs))


@user_op
def dstack(xs):
    return torch.dstack(_same_dtype(xs))


def _split_pieces(op, x, indices_or_sections, axis):
    if isinstance(indices_or_sections, (int, np.integer)):
        if x.shape[axis] % int(indices_or_sections):
            raise ValueError(f"{op}: axis {axis} of size {x.shape[axis]} cannot be split into {indices_or_sections} "
                             f"equal parts")
        return list(torch.tensor_split(x, int(indices_or_sections), dim=axis))
    return list(torch.tensor_split(x, list(_ints(indices_or_sections)), dim=axis))


@user_op
def array_split(x, indices_or_sections, axis=0):
    x = tensor(x)
    axis = _axis("array_split", x, axis)
    if isinstance(indices_or_sections, (int, np.integer)):
        return list(torch.tensor_split(x, int(indices_or_sections), dim=axis))
    return list(torch.tensor_split(x, list(_ints(indices_or_sections)), dim=axis))


@user_op
def hsplit(x, indices_or_sections):
    x = tensor(x)
    return _split_pieces("hsplit", x, indices_or_sections, 0 if x.dim() == 1 else 1)


@user_op
def vsplit(x, indices_or_sections):
    return _split_pieces("vsplit", _matrix_input("vsplit", x), indices_or_sections, 0)


@user_op
def dsplit(x, indices_or_sections):
    x = tensor(x)
    if x.dim() < 3:
        raise ValueError(f"dsplit: argument 'x' must have at least 3 dimensions, received shape {tuple(x.shape)}")
    return _split_pieces("dsplit", x, indices_or_sections, 2)


@user_op
def diff(a, n=1, axis=-1):
    x = tensor(a)
    return torch.diff(x, n=int(n), dim=_axis("diff", x, axis))


# -- indexing ----------------------------------------------------------------------------------------

@user_op
def take_along_axis(x, indices, axis=None):
    x, indices = tensor(x), tensor(indices).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
        indices = indices.reshape(-1)
    axis = _axis("take_along_axis", x, axis)
    if indices.dim() != x.dim():
        raise ValueError(f"take_along_axis: 'indices' must have the rank of 'x' ({x.dim()}), received shape "
                         f"{tuple(indices.shape)}")
    shape = [builtins.max(a, b) if i != axis else b for i, (a, b) in enumerate(zip(x.shape, indices.shape))]
    x = x.expand([s if i != axis else -1 for i, s in enumerate(shape)])
    indices = indices.expand(shape)
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)  # NumPy's negative indices
    return torch.gather(x, axis, indices)


@user_op
def nonzero(x):
    return tuple(index.to(torch.int32) for index in torch.nonzero(tensor(x), as_tuple=True))


@user_op
def select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: 'condlist' and 'choicelist' must have the same length, received {len(condlist)} "
                         f"and {len(choicelist)}")
    choices = _same_dtype(choicelist)
    result = torch.broadcast_to(torch.as_tensor(default, dtype=choices[0].dtype, device=choices[0].device),
                                torch.broadcast_shapes(*[c.shape for c in choices],
                                                       *[tensor(c).shape for c in condlist]))
    for condition, choice in zip(reversed(condlist), reversed(choices)):
        result = torch.where(tensor(condition).bool(), choice, result)
    return result


@user_op
def unravel_index(indices, shape):
    return tuple(index.to(torch.int32) for index in torch.unravel_index(tensor(indices).long(), _ints(shape)))


def _is_index_array(entry):
    return isinstance(entry, (list, np.ndarray, torch.Tensor)) and np.ndim(entry) > 0


@user_op
def get_item(x, key):
    """x[key] with NumPy's placement of advanced-index axes: integers count as advanced indices next to
    arrays, so `x[1, :2, [0, 3]]` puts the index axis first (torch treats the 1 as basic and keeps it last)."""
    x = tensor(x)
    result = x[key]
    if not isinstance(key, tuple) or not builtins.any(_is_index_array(k) for k in key):
        return result
    if builtins.any(isinstance(k, (np.ndarray, torch.Tensor)) and k.dtype in (bool, np.bool_, torch.bool) for k in key):
        return result
    advanced = [i for i, k in enumerate(key) if _is_index_array(k) or isinstance(k, (int, np.integer))]
    arrays = [i for i in advanced if _is_index_array(key[i])]
    numpy_apart = advanced[-1] - advanced[0] + 1 != len(advanced)
    between = builtins.range(arrays[0], arrays[-1] + 1)
    torch_apart = builtins.any(not isinstance(key[i], (int, np.integer)) for i in between if i not in arrays)
    if not numpy_apart or torch_apart:
        return result
    # torch placed the index axes where its first array was: count the axes the entries before it give.
    consumed = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    start = 0
    for k in key[:arrays[0]]:
        if k is Ellipsis:
            start += x.dim() - consumed
        elif not isinstance(k, (int, np.integer)):
            start += 1
    count = len(torch.broadcast_shapes(*[tuple(np.shape(key[i])) for i in arrays]))
    return torch.movedim(result, list(builtins.range(start, start + count)), list(builtins.range(count)))


@user_op
def isin(x1, x2, assume_unique=False, invert=False):
    a, b = pair(x1, x2)
    if a.dtype == torch.bool:  # torch.isin has no bool kernel
        a, b = a.to(torch.uint8), b.to(torch.uint8)
    return torch.isin(a, b, assume_unique=assume_unique, invert=invert)


@user_op
def argpartition(x, kth, axis=-1):
    """Indices that put the k-th smallest at position k (a full stable sort: a valid partition)."""
    x = tensor(x)
    axis = _axis("argpartition", x, axis)
    if not -x.shape[axis] <= int(kth) < x.shape[axis]:
        raise ValueError(f"argpartition: 'kth' = {kth} is out of bounds for axis {axis} of size {x.shape[axis]}")
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


@user_op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):  # noqa: A002 - NumPy's name
    x = tensor(x)
    flat = x.reshape(-1) if axis is None else x
    values, inverse, counts = torch.unique(flat, sorted=True, return_inverse=True, return_counts=True,
                                           dim=None if axis is None else int(axis))
    if size is not None:  # JAX-style static size: pad with fill_value (default: the smallest value)
        pad = int(size) - values.shape[0]
        fill = values.min() if fill_value is None else fill_value
        values = torch.cat([values, torch.full((pad,), fill, dtype=values.dtype, device=values.device)])[:int(size)]
        counts = torch.cat([counts, counts.new_zeros(builtins.max(pad, 0))])[:int(size)]
    results = [values]
    if return_index:
        first = torch.full((values.shape[0],), flat.shape[0], dtype=torch.long, device=x.device)
        positions = torch.arange(inverse.shape[0], device=x.device)
        results.append(first.scatter_reduce(0, inverse, positions, reduce="amin").to(torch.int32))
    if return_inverse:
        results.append(inverse.reshape(x.shape if axis is None else inverse.shape).to(torch.int32))
    if return_counts:
        results.append(counts.to(torch.int32))
    return results[0] if len(results) == 1 else tuple(results)


@user_op
def view(x, dtype=None):
    x = tensor(x)
    return x if dtype is None else x.view(to_torch_dtype(dtype))


# -- products ----------------------------------------------------------------------------------------

@user_op
def outer(x1, x2):
    a, b = pair(x1, x2)
    return torch.outer(a.reshape(-1), b.reshape(-1))


@user_op
def inner(x1, x2):
    a, b = pair(x1, x2)
    if a.dim() == 0 or b.dim() == 0:
        return a & b if a.dtype == torch.bool else a * b
    if a.dtype == torch.bool:  # Keras: bool (any pair of Trues); torch has no bool kernel
        return torch.inner(a.to(torch.int32), b.to(torch.int32)) != 0
    return torch.inner(a, b)


@user_op
def vdot(x1, x2):
    a, b = pair(x1, x2)
    result = torch.sum(torch.conj(a).reshape(-1) * b.reshape(-1))
    # Keras' dtype is the operands' (torch's sum would widen int32 to int64)
    return result.to(a.dtype) if a.dtype in (torch.int8, torch.int16, torch.int32, torch.uint8) else result


@user_op
def kron(x1, x2):
    return torch.kron(*pair(x1, x2))


@user_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    a, b = pair(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = torch.movedim(a, int(axisa), -1), torch.movedim(b, int(axisb), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(f"cross: the vector axes must have size 2 or 3, received {a.shape[-1]} and {b.shape[-1]}")
    two_d = a.shape[-1] == 2 and b.shape[-1] == 2
    if a.shape[-1] == 2:
        a = torch.nn.functional.pad(a, (0, 1))
    if b.shape[-1] == 2:
        b = torch.nn.functional.pad(b, (0, 1))
    a, b = torch.broadcast_tensors(a, b)
    result = torch.linalg.cross(a, b, dim=-1)
    return result[..., 2] if two_d else torch.movedim(result, -1, int(axisc))


@user_op
def correlate(x1, x2, mode="valid"):
    return _correlate("correlate", x1, x2, mode)


def _correlate(op, x1, x2, mode):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"{op}: argument 'mode' must be 'valid', 'same' or 'full', received {mode!r}")
    a, b = pair(x1, x2)
    if a.dim() != 1 or b.dim() != 1:
        raise ValueError(f"{op}: both inputs must be 1-D, received shapes {tuple(a.shape)} and {tuple(b.shape)}")
    if not a.is_floating_point():
        a, b = a.float(), b.float()
    n, m = a.shape[0], b.shape[0]
    # The full correlation, lag -(m-1) .. n-1, as one conv1d (torch's conv1d is a correlation).
    full = torch.nn.functional.conv1d(a.reshape(1, 1, -1), b.reshape(1, 1, -1), padding=m - 1).reshape(-1)
    if mode == "full":
        return full
    shorter = builtins.min(n, m)
    if mode == "valid":
        return full[shorter - 1:shorter - 1 + builtins.max(n, m) - shorter + 1]
    start = (shorter - 1) // 2 if n >= m else shorter // 2  # where NumPy centres 'same'
    return full[start:start + builtins.max(n, m)]


@user_op
def corrcoef(x):
    return torch.corrcoef(_float_input(x))


@user_op
def identity(n, dtype=None):
    """NumPy's identity: the n x n identity matrix (TensorFlow's tf.identity is `core.identity`)."""
    return torch.eye(int(n), dtype=_float_default(dtype), device=config.device())


@user_op
def cdist(x, y):
    """Pairwise Euclidean distances between the rows of x (..., P, M) and y (..., R, M)."""
    a, b = pair(x, y)
    if not a.is_floating_point():
        a, b = a.float(), b.float()
    return torch.cdist(a, b)
