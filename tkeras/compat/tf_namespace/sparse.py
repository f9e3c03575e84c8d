"""`tf.sparse` and `tf.SparseTensor`: TensorFlow's coordinate-list sparse tensors on torch tensors.

The three parts are kept exactly as TensorFlow exposes them (int64 `indices` [N, rank], `values` [N],
int64 `dense_shape` [rank]) instead of wrapping torch's sparse COO type, because scripts read and build
them by hand and TensorFlow's ops care about index order (`to_dense` rejects unordered indices until
`tf.sparse.reorder`). Ops work on the row-major linear position of each index. A SparseTensor handed
to a tkeras layer (Keras' `Input(sparse=True)`) becomes dense there through `__array__`; Keras' layers
compute the same result with a sparse kernel.
"""
import numpy as np
import torch

from tkeras.backend.eager_tensor import TensorShape, wrap
from tkeras.compat.tf_namespace import errors
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.data.text_face import bytes_face


def _tensor(value, dtype=None):
    if isinstance(value, torch.Tensor):
        tensor = value.detach() if isinstance(value, torch.nn.Parameter) else value
        tensor = tensor if type(tensor) is torch.Tensor else tensor.as_subclass(torch.Tensor)
    else:
        array = np.asarray(value)
        if dtype is None and array.dtype == np.float64:
            dtype = torch.float32  # TensorFlow's default for Python floats
        tensor = torch.as_tensor(array)
    return tensor if dtype is None else tensor.to(dtype)


def _strides(shape):
    strides = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * int(shape[i + 1])
    return torch.tensor(strides, dtype=torch.int64)


class SparseTensor:
    def __init__(self, indices, values, dense_shape):
        self._indices = _tensor(indices, torch.int64).reshape(-1, len(np.asarray(
            dense_shape.cpu() if isinstance(dense_shape, torch.Tensor) else dense_shape).reshape(-1)))
        self._values = _tensor(values)
        self._dense_shape = _tensor(dense_shape, torch.int64).reshape(-1)
        if self._values.dim() != 1 or self._values.shape[0] != self._indices.shape[0]:
            raise ValueError(f"SparseTensor: `values` must be a vector with one value per row of `indices` "
                             f"({self._indices.shape[0]}), received shape {list(self._values.shape)}")

    indices = property(lambda self: wrap(self._indices))
    values = property(lambda self: wrap(self._values))
    dense_shape = property(lambda self: wrap(self._dense_shape))
    dtype = property(lambda self: self._values.dtype)

    @property
    def shape(self):
        return TensorShape(self._dense_shape.tolist())

    def get_shape(self):
        return self.shape

    @classmethod
    def from_value(cls, value):
        return value if isinstance(value, SparseTensor) else from_dense(value)

    def with_values(self, new_values):
        return SparseTensor(self._indices, new_values, self._dense_shape)

    def _linear(self):
        return (self._indices * _strides(self._dense_shape.tolist()).to(self._indices.device)).sum(-1)

    def _check_bounds(self, op):
        shape = self._dense_shape.to(self._indices.device)
        bad = ((self._indices < 0) | (self._indices >= shape)).any(-1)
        if bool(bad.any()):
            row = int(bad.nonzero()[0, 0])
            raise errors.op_error(errors.InvalidArgumentError, f"indices[{row}] = {self._indices[row].tolist()} is "
                                  f"out of bounds: need 0 <= index < {self._dense_shape.tolist()}", op)

    def __array__(self, dtype=None, copy=None):
        array = to_dense(self).numpy()
        return array.astype(dtype) if dtype is not None else array

    def __mul__(self, other):
        dense = _tensor(other).to(self._values.device)
        if dense.dim() == 0:
            return self.with_values(self._values * dense)
        dense = torch.broadcast_to(dense, tuple(self._dense_shape.tolist()))
        return self.with_values(self._values * dense[tuple(self._indices.t())])

    def __truediv__(self, other):
        return self * (1.0 / _tensor(other).to(torch.float64)).to(self._values.dtype)

    def __neg__(self):
        return self.with_values(-self._values)

    def __repr__(self):
        return f"SparseTensor(indices={self.indices}, values={self.values}, dense_shape={self.dense_shape})"


class SparseTensorSpec:
    """The type of a SparseTensor argument (`tf.function` signatures, `tf.data` element specs)."""

    def __init__(self, shape=None, dtype=torch.float32):
        self.shape = TensorShape([] if shape is None else list(shape))
        from tkeras.backend import config
        self.dtype = config.standardize_dtype(dtype)

    def is_compatible_with(self, value):
        if not isinstance(value, (SparseTensor, SparseTensorSpec)):
            return False
        shape = value.shape
        return value.dtype == self.dtype and len(shape) == len(self.shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, shape))

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)

    def __eq__(self, other):
        return isinstance(other, SparseTensorSpec) and tuple(self.shape) == tuple(other.shape) \
            and self.dtype == other.dtype

    __hash__ = None

    def __repr__(self):
        return f"SparseTensorSpec({self.shape}, {self.dtype})"


def _sparse(value, argument):
    if not isinstance(value, SparseTensor):
        raise TypeError(f"`{argument}` must be a tf.SparseTensor, received {type(value).__name__}")
    return value


def reorder(sp_input, name=None):
    sp = _sparse(sp_input, "sp_input")
    order = torch.argsort(sp._linear(), stable=True)
    return SparseTensor(sp._indices[order], sp._values[order], sp._dense_shape)


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    sp = _sparse(sp_input, "sp_input")
    sp._check_bounds("SparseToDense")
    linear = sp._linear()
    if validate_indices and linear.numel() > 1 and bool((linear[1:] <= linear[:-1]).any()):
        row = int((linear[1:] <= linear[:-1]).nonzero()[0, 0]) + 1
        raise errors.op_error(errors.InvalidArgumentError, f"indices[{row}] = {sp._indices[row].tolist()} comes "
                              f"before the index preceding it; sort the indices with tf.sparse.reorder first",
                              "SparseToDense")
    shape = tuple(sp._dense_shape.tolist())
    if not isinstance(sp._values, torch.Tensor):
        return _text_to_dense(sp, linear, shape, default_value)
    fill = 0 if default_value is None else default_value
    dense = torch.full((int(np.prod(shape)) if shape else 1,), fill, dtype=sp._values.dtype,
                       device=sp._values.device)
    dense = dense.index_put((linear.to(dense.device),), sp._values)
    return wrap(dense.reshape(shape))


def _text_to_dense(sp, linear, shape, default_value):
    """String values (a VarLenFeature of bytes) have no torch dtype: fill a NumPy object array instead,
    with TensorFlow's default of the empty string."""
    fill = b"" if default_value is None else default_value
    fill = fill.encode() if isinstance(fill, str) else bytes(fill)
    dense = np.full(int(np.prod(shape)) if shape else 1, fill, dtype=object)
    dense[linear.cpu().numpy()] = list(np.asarray(sp._values, dtype=object))
    return bytes_face(dense.reshape(shape))


def from_dense(tensor, name=None):
    dense = _tensor(tensor)
    indices = (dense != 0).nonzero()
    return SparseTensor(indices, dense[tuple(indices.t())], list(dense.shape))


def reshape(sp_input, shape, name=None):
    sp = _sparse(sp_input, "sp_input")
    new = [int(d) for d in np.asarray(shape.cpu() if isinstance(shape, torch.Tensor) else shape).reshape(-1)]
    total = int(np.prod(sp._dense_shape.tolist()))
    if new.count(-1) > 1:
        raise ValueError(f"tf.sparse.reshape: `shape` may hold at most one -1, received {new}")
    if -1 in new:
        known = int(np.prod([d for d in new if d != -1])) or 1
        new[new.index(-1)] = total // known
    if int(np.prod(new)) != total:
        raise ValueError(f"tf.sparse.reshape: cannot reshape a tensor of {total} elements to shape {new}")
    linear = sp._linear()
    indices = torch.stack([(linear // s) % d for s, d in zip(_strides(new).tolist(), new)], -1) \
        if new else linear.new_zeros((linear.shape[0], 0))
    return SparseTensor(indices, sp._values, new)


def _coalesced(indices, values, shape):
    """Indices sorted, duplicates summed: the form TensorFlow's binary ops return."""
    sp = SparseTensor(indices, values, shape)
    linear = sp._linear()
    unique, inverse = torch.unique(linear, sorted=True, return_inverse=True)
    summed = torch.zeros(unique.shape[0], dtype=values.dtype, device=values.device).index_add(0, inverse, values)
    first = torch.zeros(unique.shape[0], dtype=torch.int64).scatter_reduce(
        0, inverse, torch.arange(linear.shape[0]), "amin", include_self=False)
    return SparseTensor(sp._indices[first], summed, shape)


def add(a, b, threshold=0, name=None):
    if isinstance(a, SparseTensor) and isinstance(b, SparseTensor):
        if a._dense_shape.tolist() != b._dense_shape.tolist():
            raise ValueError(f"tf.sparse.add: operands have shapes {a.shape} and {b.shape}")
        result = _coalesced(torch.cat([a._indices, b._indices]), torch.cat([a._values, b._values.to(a.dtype)]),
                            a._dense_shape)
        if threshold:
            keep = result._values.abs() >= threshold
            result = SparseTensor(result._indices[keep], result._values[keep], result._dense_shape)
        return result
    sp, dense = (a, b) if isinstance(a, SparseTensor) else (b, a)
    if not isinstance(sp, SparseTensor):
        raise TypeError("tf.sparse.add: at least one of `a` and `b` must be a tf.SparseTensor")
    out = _tensor(dense).to(sp.dtype).clone()
    return wrap(out.index_put(tuple(sp._indices.t().to(out.device)), sp._values.to(out.device), accumulate=True))


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    if not isinstance(sp_a, SparseTensor) and isinstance(b, SparseTensor):  # dense @ sparse
        other = to_dense(reorder(b)).as_subclass(torch.Tensor)
        return wrap(_dense_side(sp_a, adjoint_a).to(other.dtype) @ _dense_side(other, adjoint_b))
    sp = _sparse(sp_a, "sp_a")
    if sp._dense_shape.numel() != 2:
        raise ValueError(f"tf.sparse.sparse_dense_matmul: `sp_a` must be a matrix, received shape {sp.shape}")
    rows, cols = sp._indices[:, 0], sp._indices[:, 1]
    n_rows, n_cols = sp._dense_shape.tolist()
    values = sp._values
    if adjoint_a:
        rows, cols, n_rows, n_cols, values = cols, rows, n_cols, n_rows, values.conj()
    dense = _dense_side(b, adjoint_b).to(values.dtype)
    out = torch.zeros((n_rows, dense.shape[1]), dtype=values.dtype, device=dense.device)
    contributions = values.to(dense.device).unsqueeze(-1) * dense[cols.to(dense.device)]
    return wrap(out.index_add(0, rows.to(dense.device), contributions))


def _dense_side(value, adjoint):
    tensor = _tensor(value)
    return tensor.mT.conj() if adjoint else tensor


def reduce_sum(sp_input, axis=None, keepdims=None, output_is_sparse=False, name=None):
    sp = _sparse(sp_input, "sp_input")
    dense = to_dense(reorder(sp)).as_subclass(torch.Tensor)
    axes = None if axis is None else [int(a) for a in np.asarray(axis).reshape(-1)]
    dims = list(range(dense.dim())) if axes is None else axes
    result = dense.sum(dim=dims, keepdim=bool(keepdims)) if dims else dense
    return from_dense(result) if output_is_sparse else wrap(result)


def concat(axis, sp_inputs, expand_nonconcat_dims=False, concat_dim=None, name=None):
    axis = concat_dim if concat_dim is not None else axis
    inputs = [_sparse(s, "sp_inputs") for s in sp_inputs]
    if not inputs:
        raise ValueError("tf.sparse.concat: `sp_inputs` must hold at least one SparseTensor")
    rank = inputs[0]._dense_shape.numel()
    axis = int(axis) % rank
    shapes = [s._dense_shape.tolist() for s in inputs]
    if expand_nonconcat_dims:
        widest = [max(s[d] for s in shapes) for d in range(rank)]
        shapes = [[s[d] if d == axis else widest[d] for d in range(rank)] for s in shapes]
    for shape in shapes[1:]:
        if [d for i, d in enumerate(shape) if i != axis] != [d for i, d in enumerate(shapes[0]) if i != axis]:
            raise ValueError(f"tf.sparse.concat: input shapes {shapes} differ outside axis {axis}")
    offset, indices = 0, []
    for s, shape in zip(inputs, shapes):
        shifted = s._indices.clone()
        shifted[:, axis] += offset
        indices.append(shifted)
        offset += shape[axis]
    out_shape = list(shapes[0])
    out_shape[axis] = offset
    return reorder(SparseTensor(torch.cat(indices), torch.cat([s._values for s in inputs]), out_shape))


def slice(sp_input, start, size, name=None):  # noqa: A001 - TensorFlow's name
    sp = _sparse(sp_input, "sp_input")
    start = torch.as_tensor(np.asarray(start).reshape(-1), dtype=torch.int64)
    size = torch.as_tensor(np.asarray(size).reshape(-1), dtype=torch.int64)
    shape = sp._dense_shape
    end = torch.minimum(start + size, shape)
    keep = ((sp._indices >= start) & (sp._indices < end)).all(-1)
    return SparseTensor(sp._indices[keep] - start, sp._values[keep], (end - start).clamp(min=0))


def retain(sp_input, to_retain):
    sp = _sparse(sp_input, "sp_input")
    keep = _tensor(to_retain).to(torch.bool).reshape(-1)
    if keep.shape[0] != sp._values.shape[0]:
        raise ValueError(f"tf.sparse.retain: `to_retain` must have {sp._values.shape[0]} entries, received "
                         f"{keep.shape[0]}")
    return SparseTensor(sp._indices[keep], sp._values[keep], sp._dense_shape)


def to_indicator(sp_input, vocab_size, name=None):
    sp = _sparse(sp_input, "sp_input")
    shape = sp._dense_shape.tolist()[:-1] + [int(vocab_size)]
    out = torch.zeros(shape, dtype=torch.bool)
    ids = sp._values.to(torch.int64)
    if bool(((ids < 0) | (ids >= int(vocab_size))).any()):
        raise errors.op_error(errors.InvalidArgumentError, f"tf.sparse.to_indicator: values must lie in "
                              f"[0, vocab_size={int(vocab_size)})", "SparseToIndicator")
    out[tuple(sp._indices[:, :-1].t()) + (ids,)] = True
    return wrap(out)


def transpose(sp_input, perm=None, name=None):
    sp = _sparse(sp_input, "sp_input")
    rank = sp._dense_shape.numel()
    perm = list(range(rank))[::-1] if perm is None else [int(p) for p in np.asarray(perm).reshape(-1)]
    return reorder(SparseTensor(sp._indices[:, perm], sp._values, sp._dense_shape[perm]))


def expand_dims(sp_input, axis=None, name=None):
    sp = _sparse(sp_input, "sp_input")
    rank = sp._dense_shape.numel()
    axis = (-1 if axis is None else int(axis)) % (rank + 1)
    zeros = sp._indices.new_zeros((sp._indices.shape[0], 1))
    indices = torch.cat([sp._indices[:, :axis], zeros, sp._indices[:, axis:]], 1)
    shape = sp._dense_shape.tolist()
    return SparseTensor(indices, sp._values, shape[:axis] + [1] + shape[axis:])


def eye(num_rows, num_columns=None, dtype=torch.float32, name=None):
    n = min(int(num_rows), int(num_columns or num_rows))
    diagonal = torch.arange(n).unsqueeze(-1).repeat(1, 2)
    return SparseTensor(diagonal, torch.ones(n, dtype=dtype), [int(num_rows), int(num_columns or num_rows)])


SparseTensor.__module__ = __name__
__getattr__ = module_getattr("tf.sparse")
