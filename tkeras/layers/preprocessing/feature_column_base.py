"""What every feature column shares (feature_columns.py explains the columns): reading a raw feature
into a per-example NumPy array, TensorFlow's missing values and string hashing, the column base
classes, and a column's config."""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.preprocessing._fingerprint import fingerprint64
from tkeras.ops.text import as_text_array, is_text


# -- raw features ---------------------------------------------------------------------------------------


def _raw(features, key):
    if key not in features:
        raise ValueError(f"feature column: the features have no key {key!r} (they have {sorted(features)})")
    return features[key]


def _as_numpy(value):
    """A feature as a NumPy array; text (str, bytes, StringArray) as a str array, bytes decoded as UTF-8."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    array = np.asarray(value)
    return as_text_array(array) if is_text(array) else array


def _per_example(array):
    """(batch, k): a value per example, or several (multivalent features)."""
    array = _as_numpy(array)
    if array.ndim == 0:
        array = array.reshape(1)
    return array.reshape(array.shape[0], -1)


def _is_text(array):
    return array.dtype.kind in "UO"


def _text(values):
    """Each value's text, as TensorFlow's `as_string` writes integers."""
    return [v if isinstance(v, (str, bytes)) else str(v) for v in values]


def _fingerprints(values):
    """Fingerprint64 of each value's text, each distinct value hashed once."""
    flat = np.asarray(values).ravel()
    if flat.size == 0:
        return np.zeros(np.shape(values), np.uint64)
    keys, inverse = np.unique(flat.astype(str) if flat.dtype.kind != "O" else flat.astype(str), return_inverse=True)
    return fingerprint64(_text(keys.tolist()))[inverse].reshape(np.shape(values))


def _dtype_name(dtype):
    """'string' for TensorFlow's string dtype (or None), else the numeric dtype's Keras name."""
    if dtype is None or str(dtype).rsplit(".", 1)[-1].strip("<>' ").replace("dtype: ", "") in ("string", "str"):
        return "string"
    return str(config.standardize_dtype(dtype)).replace("torch.", "")


def _missing(values):
    """TensorFlow's ignored values: '' in text features, -1 in integer ones."""
    return values == "" if _is_text(values) else values == -1


# -- column bases ---------------------------------------------------------------------------------------


class FeatureColumn:
    """What every column has: a name (the key DenseFeatures sorts by) and a config."""

    @property
    def name(self):
        raise NotImplementedError

    @property
    def parents(self):
        return []

    def create_state(self, layer):
        """Make the column's weights on `layer` (embeddings); most columns have none."""

    def get_config(self):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class DenseColumn(FeatureColumn):
    """A column that gives a float32 block per example."""

    @property
    def variable_shape(self):
        raise NotImplementedError

    def dense(self, features, layer=None):
        """The (batch, *variable_shape) float32 tensor for `features`."""
        raise NotImplementedError


class CategoricalColumn(FeatureColumn):
    """A column that gives ids in [0, num_buckets) per example."""

    @property
    def num_buckets(self):
        raise NotImplementedError

    def ids(self, features):
        """(ids, weights): int64 (batch, k) with -1 where an example has no id, and float32 weights of the
        same shape (None when every id weighs 1)."""
        raise NotImplementedError


def _check_categorical(function, column):
    if not isinstance(column, CategoricalColumn):
        raise ValueError(f"{function}: expected a categorical column (categorical_column_with_*, bucketized_column, "
                         f"crossed_column), received {column!r}")


def serialize_column(column):
    return {"class_name": type(column).__name__, "config": column.get_config()}
