"""`tf.sets`: set operations along the last axis of dense tensors. `size` is dense; the others return
TensorFlow's SparseTensor (from tf.sparse) with each row's elements sorted."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import for_user, tensor, user_op


def _rows(x):
    x = tensor(x)
    return x.reshape(-1, x.shape[-1]), tuple(x.shape[:-1])


def _row_sets(a, b, combine):
    (ra, lead), (rb, _) = _rows(a), _rows(b)
    return [sorted(combine(set(p.tolist()), set(q.tolist()))) for p, q in zip(ra, rb)], lead, ra.dtype


def dense_parts(a, b, combine):
    """(indices, values, dense_shape) of the sparse result, shared by the three set ops."""
    rows, lead, dtype = _row_sets(a, b, combine)
    width = max((len(r) for r in rows), default=0)
    indices, values = [], []
    for flat, row in enumerate(rows):
        position = list(torch.tensor(lead).new_zeros(0).tolist())
        rest = flat
        for size in reversed(lead):
            position.insert(0, rest % size)
            rest //= size
        for j, value in enumerate(row):
            indices.append(position + [j])
            values.append(value)
    return (torch.tensor(indices, dtype=torch.int64).reshape(-1, len(lead) + 1),
            torch.tensor(values, dtype=dtype), torch.tensor(list(lead) + [width], dtype=torch.int64))


def _sparse(parts):
    from tkeras.compat.tf_namespace.sparse import SparseTensor
    indices, values, shape = parts
    return SparseTensor(indices=for_user(indices), values=for_user(values), dense_shape=for_user(shape))


@user_op
def size(a, validate_indices=True):
    rows, lead = _rows(a)
    return torch.tensor([len(set(r.tolist())) for r in rows], dtype=torch.int32).reshape(lead)


def intersection(a, b, validate_indices=True):
    return _sparse(dense_parts(a, b, set.intersection))


def union(a, b, validate_indices=True):
    return _sparse(dense_parts(a, b, set.union))


def difference(a, b, aminusb=True, validate_indices=True):
    return _sparse(dense_parts(a, b, set.difference if aminusb else lambda x, y: y - x))


__getattr__ = module_getattr("tf.sets")
