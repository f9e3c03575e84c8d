"""`tf.feature_column.make_parse_example_spec`: the tf.io feature spec that reads, from tf.train.Examples, the
raw features a list of feature columns consumes (Hands-On ML 2nd ed. ch. 13 parses its housing records this way).

Dense numeric features are FixedLenFeatures with the column's shape, dtype and default; categorical ones are
VarLenFeatures (strings, or int64 for integer vocabularies and identity ids); wrapping columns (bucketized,
indicator, embedding, crossed, weighted) read what the columns inside them read, as in TensorFlow.
"""
import torch

from tkeras.compat.tf_namespace._parsing import FixedLenFeature, VarLenFeature
from tkeras.data.text_face import string
from tkeras.layers.preprocessing import categorical_feature_columns as categorical
from tkeras.layers.preprocessing import feature_columns as dense

_NUMERIC = {"float32": torch.float32, "float64": torch.float32, "int32": torch.int64, "int64": torch.int64}


def _dtype(name):
    return string if name in (None, "string") else _NUMERIC.get(name, torch.float32)


def _spec_of(column):
    if isinstance(column, str):  # a raw key inside crossed_column
        return {column: VarLenFeature(string)}
    if isinstance(column, dense.NumericColumn):
        default = column.default_value
        if default is not None and not isinstance(default, (int, float)):
            default = tuple(float(v) for v in default)
        return {column.key: FixedLenFeature(column.shape, _dtype(column.dtype), default)}
    if isinstance(column, dense.BucketizedColumn):
        return _spec_of(column.source_column)
    if isinstance(column, (dense.IndicatorColumn, dense.EmbeddingColumn)):
        return _spec_of(column.categorical_column)
    if isinstance(column, categorical.CrossedColumn):
        spec = {}
        for key in column.keys:
            spec.update(_spec_of(key))
        return spec
    if isinstance(column, categorical.WeightedCategoricalColumn):
        return {**_spec_of(column.categorical_column), column.weight_feature_key: VarLenFeature(_dtype(column.dtype))}
    if isinstance(column, categorical.IdentityColumn):
        return {column.key: VarLenFeature(torch.int64)}
    if isinstance(column, categorical.VocabularyListColumn):
        dtype = column.dtype
        if dtype is None:
            dtype = "int64" if all(isinstance(v, int) for v in column.vocabulary_list) else "string"
        return {column.key: VarLenFeature(_dtype(dtype))}
    if isinstance(column, categorical.HashedColumn):
        return {column.key: VarLenFeature(_dtype(column.dtype))}
    raise ValueError(f"make_parse_example_spec: expected feature columns (tf.feature_column.*), received "
                     f"{type(column).__name__} {column!r:.60}")


def make_parse_example_spec(feature_columns):
    """{feature name: FixedLenFeature or VarLenFeature} for `tf.io.parse_example(..., spec)`."""
    spec = {}
    for column in feature_columns:
        for key, feature in _spec_of(column).items():
            if key in spec and spec[key] != feature:
                raise ValueError(f"make_parse_example_spec: feature {key!r} is read two ways: {spec[key]} and "
                                 f"{feature}")
            spec[key] = feature
    return spec
