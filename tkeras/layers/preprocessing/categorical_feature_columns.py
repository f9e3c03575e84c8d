"""The categorical feature columns (`tf.feature_column.categorical_column_with_*`, `crossed_column`,
`weighted_categorical_column`): ids per example, as TensorFlow computes them (see feature_columns.py)."""
import itertools

import numpy as np

from tkeras.layers.preprocessing._fingerprint import fingerprint_cat64
from tkeras.layers.preprocessing.feature_column_base import (
    CategoricalColumn, _check_categorical, _dtype_name, _fingerprints, _is_text, _missing, _per_example, _raw,
    serialize_column,
)

_DEFAULT_HASH_KEY = np.uint64(0xDECAFCAFFE)  # sparse_cross_hashed's key when none is given


class _KeyedCategorical(CategoricalColumn):
    def __init__(self, key):
        if not isinstance(key, str) or not key:
            raise ValueError(f"{type(self).__name__}: key must be a non-empty string, received {key!r}")
        self.key = key

    @property
    def name(self):
        return self.key

    def _values(self, features):
        return _per_example(_raw(features, self.key))


class VocabularyListColumn(_KeyedCategorical):
    def __init__(self, key, vocabulary_list, dtype=None, default_value=-1, num_oov_buckets=0):
        super().__init__(key)
        vocabulary = list(vocabulary_list)
        if not vocabulary or len(set(vocabulary)) != len(vocabulary):
            raise ValueError(f"categorical_column_with_vocabulary_list {key!r}: the vocabulary must be a non-empty "
                             f"list without duplicates, received {vocabulary_list!r}")
        if num_oov_buckets < 0 or (num_oov_buckets and default_value != -1):
            raise ValueError(f"categorical_column_with_vocabulary_list {key!r}: num_oov_buckets must be >= 0, and "
                             f"can't be combined with a default_value")
        self.vocabulary_list = tuple(vocabulary)
        self.dtype = dtype if dtype is None else _dtype_name(dtype)
        self.default_value, self.num_oov_buckets = default_value, int(num_oov_buckets)
        self._index = {v: i for i, v in enumerate(self.vocabulary_list)}

    @property
    def num_buckets(self):
        return len(self.vocabulary_list) + self.num_oov_buckets

    def ids(self, features):
        values = self._values(features)
        text = _is_text(values)
        keys = values.astype(str) if text else values
        flat = keys.ravel()
        ids = np.fromiter((self._index.get(v if text else int(v), -2) for v in flat.tolist()), np.int64,
                          count=flat.size).reshape(values.shape)
        unknown = ids == -2
        if unknown.any():
            if self.num_oov_buckets:
                hashed = _fingerprints(keys[unknown]) % np.uint64(self.num_oov_buckets)
                ids[unknown] = len(self.vocabulary_list) + hashed.astype(np.int64)
            else:
                ids[unknown] = self.default_value
        ids[_missing(values)] = -1
        return ids, None

    def get_config(self):
        return {"key": self.key, "vocabulary_list": list(self.vocabulary_list), "dtype": self.dtype,
                "default_value": self.default_value, "num_oov_buckets": self.num_oov_buckets}


class VocabularyFileColumn(VocabularyListColumn):
    def __init__(self, key, vocabulary_file, vocabulary_size=None, num_oov_buckets=0, default_value=None,
                 dtype="string"):
        with open(vocabulary_file, encoding="utf-8") as handle:
            vocabulary = [line.rstrip("\r\n") for line in handle]
        if vocabulary_size is not None:
            if vocabulary_size > len(vocabulary):
                raise ValueError(f"categorical_column_with_vocabulary_file {key!r}: vocabulary_size "
                                 f"{vocabulary_size} is larger than the file's {len(vocabulary)} lines")
            vocabulary = vocabulary[:vocabulary_size]
        text = _dtype_name(dtype) == "string"
        if not text:
            vocabulary = [int(v) for v in vocabulary]
        super().__init__(key, vocabulary, dtype=None if text else dtype,
                         default_value=-1 if default_value is None else default_value, num_oov_buckets=num_oov_buckets)
        self.vocabulary_file, self.vocabulary_size = vocabulary_file, vocabulary_size

    def get_config(self):
        return {"key": self.key, "vocabulary_file": self.vocabulary_file, "vocabulary_size": self.vocabulary_size,
                "num_oov_buckets": self.num_oov_buckets,
                "default_value": None if self.default_value == -1 else self.default_value}


class IdentityColumn(_KeyedCategorical):
    def __init__(self, key, num_buckets, default_value=None):
        super().__init__(key)
        if num_buckets < 1:
            raise ValueError(f"categorical_column_with_identity {key!r}: num_buckets must be >= 1, received "
                             f"{num_buckets}")
        if default_value is not None and not 0 <= default_value < num_buckets:
            raise ValueError(f"categorical_column_with_identity {key!r}: default_value must be in [0, "
                             f"{num_buckets}), received {default_value}")
        self._num_buckets, self.default_value = int(num_buckets), default_value

    @property
    def num_buckets(self):
        return self._num_buckets

    def ids(self, features):
        values = self._values(features)
        if _is_text(values) or values.dtype.kind not in "iu":
            raise ValueError(f"categorical_column_with_identity {self.key!r}: the feature must hold integers, "
                             f"received {values.dtype}")
        ids = values.astype(np.int64)
        missing = ids == -1
        outside = ~missing & ((ids < 0) | (ids >= self._num_buckets))
        if outside.any():
            if self.default_value is None:
                raise ValueError(f"categorical_column_with_identity {self.key!r}: ids must be in [0, "
                                 f"{self._num_buckets}), received {ids[outside][:5].tolist()}")
            ids[outside] = self.default_value
        ids[missing] = -1
        return ids, None

    def get_config(self):
        return {"key": self.key, "number_buckets": self._num_buckets, "default_value": self.default_value}


class HashedColumn(_KeyedCategorical):
    def __init__(self, key, hash_bucket_size, dtype="string"):
        super().__init__(key)
        if hash_bucket_size is None or hash_bucket_size < 1:
            raise ValueError(f"categorical_column_with_hash_bucket {key!r}: hash_bucket_size must be >= 1, "
                             f"received {hash_bucket_size}")
        self.hash_bucket_size, self.dtype = int(hash_bucket_size), _dtype_name(dtype)

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    def ids(self, features):
        values = self._values(features)
        ids = (_fingerprints(values) % np.uint64(self.hash_bucket_size)).astype(np.int64)
        ids[_missing(values)] = -1
        return ids, None

    def get_config(self):
        return {"key": self.key, "hash_bucket_size": self.hash_bucket_size, "dtype": self.dtype}


class CrossedColumn(CategoricalColumn):
    """Every combination of the keys' values in an example, hashed into `hash_bucket_size` ids."""

    def __init__(self, keys, hash_bucket_size, hash_key=None):
        keys = list(keys)
        if len(keys) < 2:
            raise ValueError(f"crossed_column: needs at least two keys, received {keys!r}")
        for key in keys:
            if not isinstance(key, str) and not isinstance(key, CategoricalColumn):
                raise ValueError(f"crossed_column: keys must be feature names or categorical columns, received "
                                 f"{key!r}")
            if isinstance(key, HashedColumn):
                raise ValueError("crossed_column: a hashed column is hashed again by the cross; give its key "
                                 f"{key.key!r} instead")
        if hash_bucket_size is None or hash_bucket_size < 1:
            raise ValueError(f"crossed_column: hash_bucket_size must be >= 1, received {hash_bucket_size}")
        self.keys, self.hash_bucket_size, self.hash_key = tuple(keys), int(hash_bucket_size), hash_key

    @property
    def name(self):
        return "_X_".join(sorted(k if isinstance(k, str) else k.name for k in self.keys))

    @property
    def parents(self):
        return [k for k in self.keys if not isinstance(k, str)]

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    def _leaves(self):
        leaves = []
        for key in self.keys:
            leaves.extend(key._leaves() if isinstance(key, CrossedColumn) else [key])
        return leaves

    def ids(self, features):
        # TensorFlow's cross takes the categorical columns' ids first and the raw features after them.
        leaves = self._leaves()
        ordered = [k for k in leaves if not isinstance(k, str)] + [k for k in leaves if isinstance(k, str)]
        parts = []
        for key in ordered:
            if isinstance(key, str):
                values = _per_example(_raw(features, key))
                bits = _fingerprints(values) if _is_text(values) else values.astype(np.int64).view(np.uint64)
                present = np.ones(values.shape, bool)
            else:
                ids, _ = key.ids(features)
                bits, present = ids.view(np.uint64), ids >= 0
            parts.append((bits, present))
        batch = parts[0][0].shape[0]
        start = np.uint64(_DEFAULT_HASH_KEY if self.hash_key is None else self.hash_key)
        rows = []
        for row in range(batch):
            choices = [bits[row][present[row]] for bits, present in parts]
            crossed = []
            for combination in itertools.product(*choices):
                value = np.array(start, np.uint64)
                for bits in combination:
                    value = fingerprint_cat64(value, bits)
                crossed.append(int(value % np.uint64(self.hash_bucket_size)))
            rows.append(crossed)
        width = max([len(r) for r in rows] + [1])
        ids = np.full((batch, width), -1, np.int64)
        for index, crossed in enumerate(rows):
            ids[index, :len(crossed)] = crossed
        return ids, None

    def get_config(self):
        return {"keys": [k if isinstance(k, str) else serialize_column(k) for k in self.keys],
                "hash_bucket_size": self.hash_bucket_size, "hash_key": self.hash_key}


class WeightedCategoricalColumn(CategoricalColumn):
    """A categorical column whose ids carry the weights of the feature `weight_feature_key`."""

    def __init__(self, categorical_column, weight_feature_key, dtype="float32"):
        _check_categorical("weighted_categorical_column", categorical_column)
        self.categorical_column, self.weight_feature_key = categorical_column, weight_feature_key
        self.dtype = _dtype_name(dtype)

    @property
    def name(self):
        return f"{self.categorical_column.name}_weighted_by_{self.weight_feature_key}"

    @property
    def parents(self):
        return [self.categorical_column]

    @property
    def num_buckets(self):
        return self.categorical_column.num_buckets

    def ids(self, features):
        ids, _ = self.categorical_column.ids(features)
        weights = _per_example(_raw(features, self.weight_feature_key)).astype(np.float32)
        if weights.shape != ids.shape:
            raise ValueError(f"weighted_categorical_column {self.name!r}: the weights have shape {weights.shape}, the "
                             f"ids {ids.shape}")
        return ids, weights

    def get_config(self):
        return {"categorical_column": serialize_column(self.categorical_column),
                "weight_feature_key": self.weight_feature_key, "dtype": self.dtype}
