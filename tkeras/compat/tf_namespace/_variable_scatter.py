"""`tf.Variable`'s in-place scatter methods: `v.scatter_nd_update(indices, updates)`, `v.scatter_update(slices)`.

TensorFlow code edits a few entries or rows of a variable this way (Hands-On ML, chapter 12). Each
method computes the scattered value with the matching `tf.tensor_scatter_nd_*` rule (out-of-range
indices are InvalidArgumentError, duplicates add up for the add/sub forms) and assigns it, returning the
variable as TensorFlow does. The row forms take an IndexedSlices (`values` rows at `indices`).
"""
import torch

from tkeras.compat.tf_namespace import _array_extra
from tkeras.compat.tf_namespace._specs import IndexedSlices
from tkeras.ops.core import tensor


def _nd_method(scatter):
    def method(self, indices, updates, name=None):
        with torch.no_grad():
            return self.assign(scatter(self.detach(), indices, updates))
    return method


def _rows_method(method_name, scatter):
    def method(self, sparse_delta, use_locking=False, name=None):
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"Variable.{method_name}: sparse_delta must be a tf.IndexedSlices (rows `values` at "
                            f"`indices`); received {type(sparse_delta).__name__}")
        rows = tensor(sparse_delta.indices).long().reshape(-1, 1)
        with torch.no_grad():
            return self.assign(scatter(self.detach(), rows, sparse_delta.values))
    return method


def _combine_rows(reduce):
    """Multiply/divide rows in: TensorFlow applies each update, so duplicate rows compound."""
    def scatter(value, rows, updates):
        updates = tensor(updates).to(value.dtype)
        if reduce == "div":
            updates = 1 / updates
        _array_extra._index_tuple(rows, tuple(value.shape), f"ResourceScatter{reduce.title()}")  # range check
        index = rows[:, 0].reshape((-1,) + (1,) * (value.dim() - 1)).expand_as(updates)
        return value.clone().scatter_reduce(0, index, updates, reduce="prod", include_self=True)
    return scatter


_ND = {
    "scatter_nd_update": _array_extra.tensor_scatter_nd_update,
    "scatter_nd_add": _array_extra.tensor_scatter_nd_add,
    "scatter_nd_sub": _array_extra.tensor_scatter_nd_sub,
    "scatter_nd_max": _array_extra.tensor_scatter_nd_max,
    "scatter_nd_min": _array_extra.tensor_scatter_nd_min,
}
_ROWS = {
    "scatter_update": _array_extra.tensor_scatter_nd_update,
    "scatter_add": _array_extra.tensor_scatter_nd_add,
    "scatter_sub": _array_extra.tensor_scatter_nd_sub,
    "scatter_max": _array_extra.tensor_scatter_nd_max,
    "scatter_min": _array_extra.tensor_scatter_nd_min,
    "scatter_mul": _combine_rows("mul"),
    "scatter_div": _combine_rows("div"),
}


def install(variable_class):
    for method_name, scatter in _ND.items():
        setattr(variable_class, method_name, _nd_method(scatter))
    for method_name, scatter in _ROWS.items():
        setattr(variable_class, method_name, _rows_method(method_name, scatter))
