"""`tf.data`: tkeras' Dataset pipelines (`tkeras/data/`) under TensorFlow's name, with TensorFlow's
one-line error for the parts of `tf.data` tkeras does not provide."""
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr, unsupported
from tkeras.data import dataset as _dataset
from tkeras.data.iterator import Iterator, NumpyIterator, Optional, OwnedIterator  # noqa: F401
from tkeras.data.tfrecord import TFRecordDataset, experimental_writer as _tfrecord_writer  # noqa: F401
from tkeras.data.dataset import (  # noqa: F401 - the tf.data names
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Options,
)
from tkeras.data.text_line_dataset import TextLineDataset  # noqa: F401

_dataset.report_unsupported_with(unsupported)


def _register_value_types():
    """tkeras/data builds these TensorFlow types only through what this side hands it."""
    from tkeras.compat.tf_namespace._control_flow import TensorSpec
    from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor
    from tkeras.compat.tf_namespace.sparse import SparseTensor
    from tkeras.data.transformations_more import register_value_types
    register_value_types(spec=TensorSpec, ragged_from_row_lengths=RaggedTensor.from_row_lengths, sparse=SparseTensor)


_register_value_types()


from tkeras.compat.tf_namespace import data_experimental as _experimental  # noqa: E402
from tkeras.data.options import ThreadingOptions  # noqa: E402,F401

experimental = Namespace("tf.data.experimental", TFRecordWriter=_tfrecord_writer, Optional=Optional, **{
    name: value for name, value in vars(_experimental).items() if not name.startswith("_") and name not in (
        "collections", "csv", "glob", "io", "gzip", "np", "torch", "errors", "Dataset")})

from tkeras.data.fixed_length import FixedLengthRecordDataset  # noqa: E402,F401
from tkeras.compat.tf_namespace._specs import TypeSpec as _TypeSpec  # noqa: E402


class DatasetSpec(_TypeSpec):
    """The type of a Dataset value (an element_spec nested in a signature); tkeras only reads it."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec, self.dataset_shape = element_spec, tuple(dataset_shape)

    value_type = Dataset

    @staticmethod
    def from_value(value):
        return DatasetSpec(getattr(value, "element_spec", None))


class IteratorSpec(_TypeSpec):
    def __init__(self, element_spec):
        self.element_spec = element_spec

    value_type = Iterator

    @staticmethod
    def from_value(value):
        return IteratorSpec(getattr(value, "element_spec", None))


__getattr__ = module_getattr("tf.data")
