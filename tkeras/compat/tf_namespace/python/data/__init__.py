"""`tensorflow.python.data`: TensorFlow's private home of `tf.data`, which some notebooks import
`Dataset` from (`from tensorflow.python.data import Dataset`); the names are tkeras' `tf.data` ones."""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.compat.tf_namespace.data import (
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, FixedLengthRecordDataset, Iterator, Options,
    TextLineDataset, TFRecordDataset, experimental,
)

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "FixedLengthRecordDataset",
           "Iterator", "Options", "TextLineDataset", "TFRecordDataset", "experimental"]
__getattr__ = module_getattr("tensorflow.python.data")
