"""Type specs and `tf.IndexedSlices`: the descriptive classes TensorFlow code names in signatures and
isinstance checks. tkeras reads them (shape, dtype) but never compiles a graph from them."""
import typing

import numpy as np
import torch

from tkeras.backend.eager_tensor import TensorShape, wrap
from tkeras.compat.tf_namespace._unsupported import Namespace


class TypeSpec:
    """Base of every spec, so `isinstance(spec, tf.TypeSpec)` holds for tkeras' specs too."""

    value_type = object

    def is_compatible_with(self, spec_or_value):
        return type(spec_or_value) is type(self) or isinstance(spec_or_value, self.value_type)

    def most_specific_common_supertype(self, others):
        return self if all(self == o for o in others) else None

    def _fields(self):
        return tuple(sorted(vars(self).items()))

    def __eq__(self, other):
        return type(other) is type(self) and self._fields() == other._fields()

    def __hash__(self):
        return hash((type(self).__name__, repr(self._fields())))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._fields())})"


class NoneTensorSpec(TypeSpec):
    """The spec of a None element (a tf.data element or function output that is None)."""

    value_type = type(None)


class TensorArraySpec(TypeSpec):
    def __init__(self, element_shape=None, dtype=torch.float32, dynamic_size=False, infer_shape=True):
        self.element_shape = TensorShape(element_shape)
        self.dtype, self.dynamic_size, self.infer_shape = dtype, dynamic_size, infer_shape

    @property
    def value_type(self):
        from tkeras.compat.tf_namespace.tensor_array import TensorArray
        return TensorArray


class OptionalSpec(TypeSpec):
    def __init__(self, element_spec):
        self.element_spec = element_spec


class IndexedSlicesSpec(TypeSpec):
    def __init__(self, shape=None, dtype=torch.float32, indices_dtype=torch.int64, dense_shape_dtype=None,
                 indices_shape=None):
        self.shape = TensorShape(shape)
        self.dtype, self.indices_dtype, self.dense_shape_dtype = dtype, indices_dtype, dense_shape_dtype

    @property
    def value_type(self):
        return IndexedSlices


class IndexedSlices:
    """Rows `values[i]` of a dense tensor at row `indices[i]`: how TensorFlow hands out the gradient of a
    gather. Converting it to a tensor scatter-adds the rows into zeros of `dense_shape`."""

    def __init__(self, values, indices, dense_shape=None):
        self._values = values if isinstance(values, torch.Tensor) else torch.as_tensor(np.asarray(values))
        self._indices = (indices if isinstance(indices, torch.Tensor) else torch.as_tensor(np.asarray(indices))).long()
        self._dense_shape = None if dense_shape is None else torch.as_tensor(
            np.asarray(dense_shape.cpu() if isinstance(dense_shape, torch.Tensor) else dense_shape), dtype=torch.int64)

    values = property(lambda self: wrap(self._values))
    indices = property(lambda self: wrap(self._indices))
    dense_shape = property(lambda self: None if self._dense_shape is None else wrap(self._dense_shape))
    dtype = property(lambda self: self._values.dtype)
    device = property(lambda self: self._values.device)

    @property
    def shape(self):
        if self._dense_shape is None:
            return TensorShape([None] + list(self._values.shape[1:]))
        return TensorShape(self._dense_shape.tolist())

    def _tkeras_dense(self):
        if self._dense_shape is None:
            raise ValueError("tf.convert_to_tensor: an IndexedSlices without dense_shape cannot be densified")
        dense = torch.zeros(self._dense_shape.tolist(), dtype=self._values.dtype, device=self._values.device)
        return wrap(dense.index_add(0, self._indices.to(dense.device), self._values))

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        return (f"IndexedSlices(indices={self._indices.tolist()}, values={self._values}, "
                f"dense_shape={None if self._dense_shape is None else self._dense_shape.tolist()})")


def type_spec_from_value(value):
    from tkeras.compat.tf_namespace._control_flow import TensorSpec
    if value is None:
        return NoneTensorSpec()
    if isinstance(value, IndexedSlices):
        return IndexedSlicesSpec(value.shape, value.dtype)
    if isinstance(value, (torch.Tensor, np.ndarray, int, float, bool)):
        tensor = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
        return TensorSpec(tuple(tensor.shape), tensor.dtype)
    if hasattr(type(value), "from_value") and hasattr(value, "dense_shape"):
        from tkeras.compat.tf_namespace.sparse import SparseTensorSpec
        return SparseTensorSpec.from_value(value)
    raise TypeError(f"tf.type_spec_from_value: no TypeSpec for {type(value).__name__}")


# tf.types.experimental: typing aliases for annotations (the classes TensorFlow exports are protocols).
TensorLike = typing.Union[torch.Tensor, np.ndarray, IndexedSlices, int, float, bool, str, bytes, list, tuple]
types = Namespace(
    "tf.types",
    experimental=Namespace(
        "tf.types.experimental",
        TensorLike=TensorLike,
        Callable=typing.Callable,
        GenericFunction=typing.Callable,
        PolymorphicFunction=typing.Callable,
        ConcreteFunction=typing.Callable,
        AtomicFunction=typing.Callable,
        TraceType=object,
        SupportsTracingProtocol=object,
        FunctionType=object,
    ),
)
