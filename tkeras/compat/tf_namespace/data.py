"""`tf.data`: tkeras' Dataset pipelines (`tkeras/data/`) under TensorFlow's name, with TensorFlow's
one-line error for the parts of `tf.data` tkeras does not provide."""
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr, unsupported
from tkeras.data import dataset as _dataset
from tkeras.data.iterator import Iterator, NumpyIterator, Optional, OwnedIterator  # noqa: F401
from tkeras.data.tfrecord import TFRecordDataset, experimental_writer as _tfrecord_writer  # noqa: F401
from tkeras.data.dataset import (  # noqa: F401 - the tf.data names
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Options, TextLineDataset,
)

_dataset.report_unsupported_with(unsupported)


def _cardinality(dataset):
    return dataset.cardinality()


experimental = Namespace("tf.data.experimental", AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE_CARDINALITY,
                         UNKNOWN_CARDINALITY=UNKNOWN_CARDINALITY, cardinality=_cardinality,
                         TFRecordWriter=_tfrecord_writer, Optional=Optional)

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
