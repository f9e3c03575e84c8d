"""The last plain top-level `tf.*` functions: block reshuffles, patch extraction, fingerprints, edit distance,
Hessians and a few registries TensorFlow scripts touch at import time.

Kept apart from `__init__.py` so the package import stays light; everything here is eager torch code.
"""
import contextlib
import struct
import time

import numpy as np
import torch

from tkeras.backend.eager_tensor import wrap
from tkeras.layers.preprocessing._fingerprint import fingerprint64_bytes


def _t(value, dtype=None):
    if isinstance(value, torch.Tensor):
        return value if dtype is None else value.to(dtype)
    return torch.as_tensor(np.asarray(value), dtype=dtype)


def _ints(value):
    return [int(v) for v in np.asarray(value.cpu() if isinstance(value, torch.Tensor) else value).reshape(-1)]


def _pairs(value, count):
    if value is None:
        return [[0, 0]] * count
    array = np.asarray(value.cpu() if isinstance(value, torch.Tensor) else value, dtype=np.int64)
    return array.reshape(count, 2).tolist()


# ---- space <-> batch ---------------------------------------------------------------------------------
def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """Zero-pads the M spatial dims after the batch dim, then moves each block offset into the batch
    (offsets outermost, as TensorFlow orders the new batch)."""
    x = _t(input)
    block = _ints(block_shape)
    m = len(block)
    pads = _pairs(paddings, m)
    flat_pad = []
    for lo, hi in reversed(pads):
        flat_pad += [lo, hi]
    x = torch.nn.functional.pad(x, [0, 0] * (x.dim() - 1 - m) + flat_pad)
    batch, spatial, rest = x.shape[0], list(x.shape[1:1 + m]), list(x.shape[1 + m:])
    for size, b in zip(spatial, block):
        if size % b:
            raise ValueError(f"tf.space_to_batch_nd: padded spatial size {size} is not divisible by block {b}")
    shape = [batch]
    for size, b in zip(spatial, block):
        shape += [size // b, b]
    x = x.reshape(shape + rest)
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, x.dim()))
    x = x.permute(order)
    return wrap(x.reshape([batch * int(np.prod(block))] + [s // b for s, b in zip(spatial, block)] + rest))


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse reshuffle of space_to_batch_nd, then `crops` trimmed from each spatial dim."""
    x = _t(input)
    block = _ints(block_shape)
    m = len(block)
    crops = _pairs(crops, m)
    total = int(np.prod(block))
    if x.shape[0] % total:
        raise ValueError(f"tf.batch_to_space: batch {x.shape[0]} is not divisible by the block size product {total}")
    batch, spatial, rest = x.shape[0] // total, list(x.shape[1:1 + m]), list(x.shape[1 + m:])
    x = x.reshape(block + [batch] + spatial + rest)
    order = [m]
    for i in range(m):
        order += [m + 1 + i, i]
    x = x.permute(order + list(range(2 * m + 1, x.dim())))
    x = x.reshape([batch] + [s * b for s, b in zip(spatial, block)] + rest)
    index = [slice(None)] + [slice(lo, s * b - hi) for (lo, hi), s, b in zip(crops, spatial, block)]
    return wrap(x[tuple(index)])


batch_to_space_nd = batch_to_space


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """End padding that makes each dim a multiple of its block, and the crops that undo it (int32)."""
    shape, block = _ints(input_shape), _ints(block_shape)
    base = _pairs(base_paddings, len(block))
    paddings, crops = [], []
    for size, b, (lo, hi) in zip(shape, block, base):
        extra = (b - (size + lo + hi) % b) % b
        paddings.append([lo, hi + extra])
        crops.append([0, extra])
    return wrap(torch.tensor(paddings, dtype=torch.int32)), wrap(torch.tensor(crops, dtype=torch.int32))


# ---- patches -----------------------------------------------------------------------------------------
def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """3-D patches of an NDHWC volume flattened into the last dim in (depth, row, col, channel) order;
    SAME pads with zeros, the smaller half before."""
    x = _t(input)
    k, s = _ints(ksizes), _ints(strides)
    if len(k) != 5 or len(s) != 5 or k[0] != 1 or k[4] != 1 or s[0] != 1 or s[4] != 1:
        raise ValueError("tf.extract_volume_patches: ksizes and strides must be [1, d, h, w, 1]")
    padding = padding.upper()
    if padding == "SAME":
        pad = []
        for axis in (3, 2, 1):
            size, kk, ss = x.shape[axis], k[axis], s[axis]
            out = -(-size // ss)
            total = max((out - 1) * ss + kk - size, 0)
            pad += [total // 2, total - total // 2]
        x = torch.nn.functional.pad(x, [0, 0] + pad)
    elif padding != "VALID":
        raise ValueError(f"tf.extract_volume_patches: padding must be 'SAME' or 'VALID', received {padding!r}")
    for axis in (1, 2, 3):
        x = x.unfold(axis, k[axis], s[axis])
    # [B, od, oh, ow, C, kd, kh, kw] -> [B, od, oh, ow, kd, kh, kw, C]
    x = x.permute(0, 1, 2, 3, 5, 6, 7, 4)
    return wrap(x.reshape(*x.shape[:4], -1).contiguous())


def approx_top_k(operand, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """The exact top k: its recall (1.0) meets any `recall_target` TensorFlow accepts."""
    values, indices = torch.topk(_t(operand), int(k), dim=int(reduction_dimension), largest=bool(is_max_k))
    return wrap(values), wrap(indices.to(torch.int32))


# ---- fingerprints ------------------------------------------------------------------------------------
def _row_bytes(array):
    if array.dtype.kind in "OUS":
        def one(value):
            return value.encode() if isinstance(value, str) else bytes(value)
        if array.ndim <= 1:
            return [one(v) for v in array.reshape(-1)]
        # several strings in a row: the row's hash is over their fingerprints, one 8-byte word each
        return [b"".join(struct.pack("<Q", fingerprint64_bytes(one(v))) for v in row.reshape(-1))
                for row in array.reshape(array.shape[0], -1)]
    array = np.ascontiguousarray(array.astype(array.dtype.newbyteorder("<")))
    return [row.tobytes() for row in array.reshape(array.shape[0], -1)]


def fingerprint(data, method="farmhash64", name=None):
    """FarmHash Fingerprint64 of each row's little-endian bytes, as 8 uint8 per row: stable across runs
    and machines, which Python's hash() is not."""
    if method != "farmhash64":
        raise ValueError(f"tf.fingerprint: unsupported method {method!r}; only 'farmhash64'")
    if isinstance(data, torch.Tensor):
        array = data.detach().cpu().numpy()
    else:
        array = np.asarray(data)
    if array.ndim < 1:
        raise ValueError("tf.fingerprint: `data` must have rank 1 or more")
    rows = _row_bytes(array)
    out = np.frombuffer(b"".join(struct.pack("<Q", fingerprint64_bytes(r)) for r in rows), dtype=np.uint8)
    return wrap(torch.from_numpy(out.reshape(len(rows), 8).copy()))


def timestamp(name=None):
    return wrap(torch.tensor(time.time(), dtype=torch.float64))


# ---- edit distance -----------------------------------------------------------------------------------
def _sequences(sparse):
    indices = np.asarray(sparse.indices.cpu() if isinstance(sparse.indices, torch.Tensor) else sparse.indices)
    values = sparse.values
    values = values.cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    shape = _ints(sparse.dense_shape)
    groups = {}
    order = np.lexsort(indices.T[::-1]) if len(indices) else []
    for i in order:
        groups.setdefault(tuple(int(v) for v in indices[i][:-1]), []).append(values[i])
    return groups, shape


def _levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """Levenshtein distance per leading index of two sparse tensors, float32; normalized by the truth
    length (inf where the truth is empty and the hypothesis is not)."""
    hyp, hyp_shape = _sequences(hypothesis)
    ref, ref_shape = _sequences(truth)
    if len(hyp_shape) != len(ref_shape):
        raise ValueError("tf.edit_distance: hypothesis and truth must have the same rank")
    out_shape = [max(a, b) for a, b in zip(hyp_shape[:-1], ref_shape[:-1])]
    result = np.zeros(out_shape, dtype=np.float32)
    for index in np.ndindex(*out_shape):
        h, r = hyp.get(index, []), ref.get(index, [])
        distance = float(_levenshtein(h, r))
        if normalize:
            distance = distance / len(r) if r else (np.inf if h else 0.0)
        result[index] = distance
    return wrap(torch.from_numpy(result))


# ---- gradients ---------------------------------------------------------------------------------------
def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """Second derivatives of sum(ys) with respect to each x, shaped x.shape + x.shape.

    TensorFlow builds these from a graph; tkeras needs `ys` to still carry torch's autograd record,
    so `xs` must be tf.Variables (or tensors with requires_grad) that `ys` was computed from.
    """
    single = not isinstance(xs, (list, tuple))
    xs = [xs] if single else list(xs)
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    total = sum(y.sum() for y in ys)
    if not getattr(total, "requires_grad", False):
        raise ValueError("tf.hessians: `ys` carries no gradient record; compute it from tf.Variable `xs` (or "
                         "tensors with requires_grad) after creating them, since tkeras runs eagerly")
    firsts = torch.autograd.grad(total, xs, create_graph=True, allow_unused=True)
    result = []
    for x, first in zip(xs, firsts):
        n = x.numel()
        if first is None:
            result.append(wrap(torch.zeros(tuple(x.shape) * 2, dtype=x.dtype)))
            continue
        flat = first.reshape(-1)
        rows = []
        for i in range(n):
            (second,) = torch.autograd.grad(flat[i], x, retain_graph=True, allow_unused=True)
            rows.append(torch.zeros_like(x) if second is None else second)
        result.append(wrap(torch.stack(rows).reshape(tuple(x.shape) * 2).detach().as_subclass(torch.Tensor)))
    return result


_NO_GRADIENT = set()
_GRADIENTS = {}


def no_gradient(op_type):
    """Records the name; tkeras' ops are torch ops, whose gradients torch defines."""
    if not isinstance(op_type, str):
        raise TypeError("tf.no_gradient: op_type must be a string")
    _NO_GRADIENT.add(op_type)


class RegisterGradient:
    """Name registration of a gradient function, so modules that register at import time load.

    tkeras never dispatches by TensorFlow op type names: the registered function only takes effect
    where a graph's gradient_override_map would route an op to it, which tkeras cannot do (see
    `gradient_override_map`); use tf.custom_gradient on the Python function instead.
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("tf.RegisterGradient: op_type must be a string")
        self._op_type = op_type

    def __call__(self, func):
        if self._op_type in _GRADIENTS:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
        _GRADIENTS[self._op_type] = func
        return func


def registered_gradient(op_type):
    return _GRADIENTS.get(op_type)


def gradient_override_map(op_type_map):
    raise NotImplementedError(
        "gradient_override_map is not supported in tkeras: ops are torch ops, not named graph ops, so a "
        "gradient registered with tf.RegisterGradient cannot be routed to them; wrap the function in "
        "tf.custom_gradient instead")


_CONVERSIONS = []


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Kept in a list for scripts that register converters; tkeras' convert_to_tensor does not consult it."""
    if not callable(conversion_func):
        raise TypeError("tf.register_tensor_conversion_function: conversion_func must be callable")
    _CONVERSIONS.append((priority, base_type, conversion_func))


# ---- variable creators -------------------------------------------------------------------------------
_CREATORS = []


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """While active, tf.Variable(...) goes through `variable_creator(next_creator, **kwargs)`; the
    innermost scope runs first, as in TensorFlow."""
    _CREATORS.append(variable_creator)
    try:
        yield
    finally:
        _CREATORS.pop()


def creators():
    return _CREATORS
