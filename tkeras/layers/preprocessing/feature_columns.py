"""TensorFlow's feature columns (`tf.feature_column.*`), the inputs of tf-keras 2's DenseFeatures layer.

TensorFlow 2.0-2.x tutorials on structured data ("classify structured data with feature columns")
describe each column of a table with a feature column and let `tf.keras.layers.DenseFeatures` turn a
dict of raw columns into one dense batch. Keras 3 dropped both for preprocessing layers; old code still
uses them, and its trained models expect the same numbers, so each column here computes what
TensorFlow's does:

- dense columns (`numeric_column`, `bucketized_column`, `indicator_column`, `embedding_column`) give a
  float32 block per example, flattened; DenseFeatures concatenates the blocks in the order of the
  columns' names;
- categorical columns give ids per example: a vocabulary list or file (unknown values to
  `default_value`, or hashed into `num_oov_buckets` extra ids), an identity, a hash bucket (FarmHash
  Fingerprint64 of the value's text, as `to_hash_bucket_fast`), a bucketized column's buckets, or a
  cross of several (TensorFlow's `sparse_cross_hashed`: FingerprintCat64 folds from its default key,
  categorical ids before raw features). Missing values ('' for strings, -1 for integers) give no id,
  except inside a cross of raw features, which TensorFlow crosses as they are.

Ids are kept per example as a padded (batch, k) int64 array with -1 where there is none, computed on
the host (vocabularies and hashes are string work); only the dense blocks reach torch. Checked against
TensorFlow 2.21 (tests/fixtures/feature_columns_reference.json).
"""
import math

import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.preprocessing.categorical_feature_columns import (
    CrossedColumn, HashedColumn, IdentityColumn, VocabularyFileColumn, VocabularyListColumn,
    WeightedCategoricalColumn,
)
from tkeras.layers.preprocessing.feature_column_base import (  # noqa: F401 - the columns' bases, re-exported
    CategoricalColumn, DenseColumn, FeatureColumn, _as_numpy, _check_categorical, _dtype_name, _is_text, _raw,
    serialize_column,
)


# -- dense columns --------------------------------------------------------------------------------------


class NumericColumn(DenseColumn):
    def __init__(self, key, shape=(1,), default_value=None, dtype="float32", normalizer_fn=None):
        if not isinstance(key, str) or not key:
            raise ValueError(f"numeric_column: key must be a non-empty string, received {key!r}")
        shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
        if not shape or any(d <= 0 for d in shape):
            raise ValueError(f"numeric_column {key!r}: shape must be positive integers, received {shape}")
        if normalizer_fn is not None and not callable(normalizer_fn):
            raise TypeError(f"numeric_column {key!r}: normalizer_fn must be callable, received {normalizer_fn!r}")
        self.key, self.shape, self.default_value = key, shape, default_value
        self.dtype = _dtype_name(dtype)
        self.normalizer_fn = normalizer_fn

    @property
    def name(self):
        return self.key

    @property
    def variable_shape(self):
        return self.shape

    def values(self, features):
        """The raw feature as a tensor, normalized (before the float32 cast, as TensorFlow orders them)."""
        value = _raw(features, self.key)
        if not isinstance(value, torch.Tensor):
            array = _as_numpy(value)
            if _is_text(array):
                raise ValueError(f"numeric_column {self.key!r}: the feature holds text ({array.dtype}); use a "
                                 f"categorical column for it")
            value = torch.as_tensor(array)
        if self.normalizer_fn is not None:
            value = self.normalizer_fn(value)
            value = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
        value = value.to(torch.float32)
        batch = value.shape[0] if value.dim() else 1
        expected = math.prod(self.shape)
        if value.numel() != batch * expected:
            raise ValueError(f"numeric_column {self.key!r}: each example must hold {expected} value(s) (shape "
                             f"{self.shape}), received a feature of shape {tuple(value.shape)}")
        return value.reshape((batch,) + self.shape)

    def dense(self, features, layer=None):
        return self.values(features)

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"key": self.key, "shape": list(self.shape), "default_value": self.default_value,
                "dtype": self.dtype, "normalizer_fn": serialize_keras_object(self.normalizer_fn)}


class BucketizedColumn(DenseColumn, CategoricalColumn):
    """Which of the ranges between `boundaries` each value falls in: one-hot as a dense column, the bucket
    index (offset by the element's position for multi-element columns) as a categorical one."""

    def __init__(self, source_column, boundaries):
        if not isinstance(source_column, NumericColumn):
            raise ValueError(f"bucketized_column: source_column must be a numeric_column, received "
                             f"{source_column!r}")
        boundaries = [float(b) for b in boundaries]
        if not boundaries or any(b >= a for b, a in zip(boundaries, boundaries[1:])):
            raise ValueError(f"bucketized_column {source_column.key!r}: boundaries must be a sorted list of "
                             f"distinct numbers, received {boundaries}")
        self.source_column, self.boundaries = source_column, boundaries

    @property
    def name(self):
        return f"{self.source_column.name}_bucketized"

    @property
    def parents(self):
        return [self.source_column]

    @property
    def _buckets_per_element(self):
        return len(self.boundaries) + 1

    @property
    def num_buckets(self):
        return math.prod(self.source_column.shape) * self._buckets_per_element

    @property
    def variable_shape(self):
        return self.source_column.shape + (self._buckets_per_element,)

    def _buckets(self, features):
        values = self.source_column.values(features)
        boundaries = torch.tensor(self.boundaries, dtype=torch.float32, device=values.device)
        return torch.bucketize(values, boundaries, right=True)  # the number of boundaries <= value

    def dense(self, features, layer=None):
        buckets = self._buckets(features)
        return torch.nn.functional.one_hot(buckets, self._buckets_per_element).to(torch.float32)

    def ids(self, features):
        buckets = self._buckets(features).reshape(-1, math.prod(self.source_column.shape)).cpu().numpy()
        offsets = np.arange(buckets.shape[1], dtype=np.int64) * self._buckets_per_element
        return buckets.astype(np.int64) + offsets, None

    def get_config(self):
        return {"source_column": serialize_column(self.source_column), "boundaries": list(self.boundaries)}


class IndicatorColumn(DenseColumn):
    """Multi-hot counts of a categorical column's ids (one-hot for one value per example)."""

    def __init__(self, categorical_column):
        _check_categorical("indicator_column", categorical_column)
        self.categorical_column = categorical_column

    @property
    def name(self):
        return f"{self.categorical_column.name}_indicator"

    @property
    def parents(self):
        return [self.categorical_column]

    @property
    def variable_shape(self):
        return (self.categorical_column.num_buckets,)

    def dense(self, features, layer=None):
        ids, weights = self.categorical_column.ids(features)
        counts = np.zeros((ids.shape[0], self.categorical_column.num_buckets), np.float32)
        rows, columns = np.nonzero(ids >= 0)
        np.add.at(counts, (rows, ids[rows, columns]), 1.0 if weights is None else weights[rows, columns])
        return torch.from_numpy(counts).to(config.device())

    def get_config(self):
        return {"categorical_column": serialize_column(self.categorical_column)}


class EmbeddingColumn(DenseColumn):
    """A trained vector per id, combined over an example's ids ('mean', 'sum' or 'sqrtn'); zeros for an
    example with no id."""

    def __init__(self, categorical_column, dimension, combiner="mean", initializer=None, ckpt_to_load_from=None,
                 tensor_name_in_ckpt=None, max_norm=None, trainable=True, use_safe_embedding_lookup=True):
        _check_categorical("embedding_column", categorical_column)
        if not isinstance(dimension, int) or dimension < 1:
            raise ValueError(f"embedding_column: dimension must be a positive integer, received {dimension!r}")
        if combiner not in ("mean", "sum", "sqrtn"):
            raise ValueError(f"embedding_column: combiner must be 'mean', 'sum' or 'sqrtn', received {combiner!r}")
        if ckpt_to_load_from is not None or tensor_name_in_ckpt is not None:
            raise ValueError("embedding_column: loading the table from a TensorFlow checkpoint "
                             "(ckpt_to_load_from/tensor_name_in_ckpt) is not supported in tkeras; set the layer's "
                             "embedding weights with set_weights instead")
        self.categorical_column, self.dimension, self.combiner = categorical_column, dimension, combiner
        self.initializer, self.max_norm, self.trainable = initializer, max_norm, trainable
        self.use_safe_embedding_lookup = use_safe_embedding_lookup

    @property
    def name(self):
        return f"{self.categorical_column.name}_embedding"

    @property
    def parents(self):
        return [self.categorical_column]

    @property
    def variable_shape(self):
        return (self.dimension,)

    def _default_initializer(self):
        from tkeras.initializers import TruncatedNormal
        return TruncatedNormal(mean=0.0, stddev=1.0 / math.sqrt(self.dimension))

    def create_state(self, layer):
        from tkeras import initializers
        initializer = self._default_initializer() if self.initializer is None else initializers.get(self.initializer)
        layer.embedding_tables[self.name] = layer.embedding_owner(self.name).add_weight(
            name="embedding_weights", shape=(self.categorical_column.num_buckets, self.dimension),
            initializer=initializer, trainable=self.trainable)

    def dense(self, features, layer=None):
        if layer is None or self.name not in layer.embedding_tables:
            raise ValueError(f"embedding_column {self.name!r}: its embedding weights live in a DenseFeatures layer; "
                             f"call the layer, not the column")
        table = layer.embedding_tables[self.name]
        ids, weights = self.categorical_column.ids(features)
        valid = ids >= 0
        weight = np.where(valid, 1.0 if weights is None else weights, 0.0).astype(np.float32)
        index = torch.from_numpy(np.where(valid, ids, 0)).to(table.device)
        weight = torch.from_numpy(weight).to(table.device)
        vectors = table[index]  # (batch, k, dimension)
        if self.max_norm is not None:
            norms = vectors.norm(dim=-1, keepdim=True)
            vectors = vectors * torch.clamp(self.max_norm / torch.clamp(norms, min=1e-12), max=1.0)
        summed = (vectors * weight.unsqueeze(-1)).sum(dim=1)
        if self.combiner == "sum":
            return summed
        total = weight.sum(dim=1, keepdim=True) if self.combiner == "mean" else weight.square().sum(1, True).sqrt()
        return torch.where(total > 0, summed / torch.clamp(total, min=1e-30), torch.zeros_like(summed))

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"categorical_column": serialize_column(self.categorical_column), "dimension": self.dimension,
                "combiner": self.combiner, "initializer": serialize_keras_object(self.initializer),
                "max_norm": self.max_norm, "trainable": self.trainable,
                "use_safe_embedding_lookup": self.use_safe_embedding_lookup}


# -- configs --------------------------------------------------------------------------------------------
COLUMN_CLASSES = {cls.__name__: cls for cls in (
    NumericColumn, BucketizedColumn, IndicatorColumn, EmbeddingColumn, VocabularyListColumn,
    VocabularyFileColumn, IdentityColumn, HashedColumn, CrossedColumn, WeightedCategoricalColumn)}


def deserialize_column(config, custom_objects=None):
    """A column from `serialize_column`'s dict; nested columns and functions included."""
    from tkeras.saving.serialization import deserialize_keras_object
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if class_name not in COLUMN_CLASSES:
        raise ValueError(f"feature column config: unknown class {class_name!r} (known: {sorted(COLUMN_CLASSES)})")
    arguments = dict(config.get("config") or {})
    for name in ("source_column", "categorical_column"):
        if name in arguments:
            arguments[name] = deserialize_column(arguments[name], custom_objects)
    if "keys" in arguments:
        arguments["keys"] = [k if isinstance(k, str) else deserialize_column(k, custom_objects)
                             for k in arguments["keys"]]
    for name in ("normalizer_fn", "initializer"):
        if arguments.get(name) is not None:
            arguments[name] = deserialize_keras_object(arguments[name], custom_objects=custom_objects)
    if class_name == "IdentityColumn":
        arguments["num_buckets"] = arguments.pop("number_buckets")
    return COLUMN_CLASSES[class_name](**arguments)
