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

__getattr__ = module_getattr("tf.data")
