"""The input pipelines of tkeras: a stand-in for TensorFlow's `tf.data.Dataset` on torch tensors.

Core utilities build on it (the `*_dataset_from_*` builders, `split_dataset`, preprocessing layers'
`adapt`), so it lives here, below `compat/`; `tf.data` under the import hook re-exports it.
"""
from tkeras.data.dataset import (
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Options,
)
from tkeras.data.text_line_dataset import TextLineDataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "Options", "TextLineDataset"]
