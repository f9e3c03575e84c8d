"""`HashedCrossing`: several categorical features -> one bin of their combination ("hashing trick").

Keras runs TensorFlow's `tf.sparse.cross_hashed`: each feature becomes a 64-bit value (an integer as
its own two's-complement bits, a string as its FarmHash Fingerprint64), the values are folded in
order into a running fingerprint that starts at TensorFlow's default hash key, with
`FingerprintCat64`, and the bin is that fingerprint modulo `num_bins`. tkeras does the same on the host
with NumPy's wrapping uint64 arithmetic, so a crossed feature lands in the bin Keras gives it (checked
against Keras 3.15.1 in tests/fixtures/preprocessing_extra_reference.json).
"""
import numbers

import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._encoding import check_sparse, encode
from tkeras.layers.preprocessing._fingerprint import fingerprint64, fingerprint_cat64

OUTPUT_MODES = ("int", "one_hot")
# TensorFlow's `cross_hashed` starts every crossed fingerprint from this key when none is given.
_DEFAULT_HASH_KEY = np.uint64(0xDECAFCAFFE)


class HashedCrossing(Layer):
    """Cross categorical features by hashing their combination into `num_bins` bins.

    Args:
        num_bins: the number of hash bins.
        output_mode: "int" (bin ids, int64) or "one_hot" (rows of width `num_bins`).
        sparse: TensorFlow's SparseTensor output; tkeras returns dense tensors (an error says so).

    Called on a tuple or list of at least two features of equal shape `()`, `(batch,)` or
    `(batch, 1)`, each integer or string. Example:
    `HashedCrossing(num_bins=5)((np.array(["A", "B"]), np.array([101, 101])))` -> `[1, 4]`.
    """

    accepts_strings = True

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral) or num_bins <= 0:
            raise ValueError(f"HashedCrossing: `num_bins` must be a positive integer, received {num_bins!r}")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"HashedCrossing: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        check_sparse("HashedCrossing", sparse)
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = False

    def __call__(self, inputs, *args, **kwargs):
        # Each feature is its own array: a tuple of two plain lists must not become one 2-D tensor.
        if isinstance(inputs, (list, tuple)):
            inputs = type(inputs)(v if hasattr(v, "shape") else np.asarray(v, dtype=_list_dtype(v)) for v in inputs)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        features = self._checked_features(inputs)
        device = next((f.device for f in inputs if isinstance(f, torch.Tensor)), config.device())
        crossed = np.full(features[0].shape, _DEFAULT_HASH_KEY, dtype=np.uint64)
        for feature in features:
            crossed = fingerprint_cat64(crossed, _feature_fingerprints(feature))
        bins = torch.from_numpy(np.asarray(crossed % np.uint64(self.num_bins), dtype=np.int64)).to(device)
        if self.output_mode == "int":
            return bins.to(config.standardize_dtype(self.dtype))
        return encode(bins, "one_hot", self.num_bins, config.standardize_dtype(self.compute_dtype), "HashedCrossing")

    def _checked_features(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"HashedCrossing: call it on a list or tuple of at least two features, received one "
                             f"{type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"HashedCrossing: call it on at least two features, received {len(inputs)}")
        features = [v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v) for v in inputs]
        shape = features[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(f"HashedCrossing: every feature must have shape (), (batch,) or (batch, 1), received "
                             f"{shape}")
        for index, feature in enumerate(features):
            if feature.shape != shape:
                raise ValueError(f"HashedCrossing: every feature must have the same shape; feature 0 has {shape}, "
                                 f"feature {index} has {feature.shape}")
            if feature.dtype.kind not in "iuUSO":
                raise ValueError(f"HashedCrossing: features must be integers or strings; feature {index} has dtype "
                                 f"{feature.dtype} (cast floats to integers or strings first)")
        return features

    def _output_dtype(self, input_dtype):
        return self.dtype

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 2 or not all(
                isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(f"HashedCrossing: expected the shapes of at least two features, received {input_shape}")
        shape = tuple(input_shape[0])
        if self.output_mode == "int":
            return shape
        if shape and shape[-1] == 1:
            shape = shape[:-1]
        return (shape or (1,)) + (self.num_bins,)

    def get_config(self):
        # Keras 3 writes exactly these keys (no `trainable`), with the dtype as a plain name.
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype}


def _list_dtype(values):
    """Plain Python values: strings as objects (any length), integers as int64 (TensorFlow's cast)."""
    flat = values
    while isinstance(flat, (list, tuple)) and flat:
        flat = flat[0]
    return object if isinstance(flat, (str, bytes)) else None


def _feature_fingerprints(feature):
    """Each value's 64 bits for the cross: integers as they are, strings by Fingerprint64."""
    if feature.dtype.kind in "iu":
        return feature.astype(np.int64).view(np.uint64)
    keys, inverse = np.unique(feature.ravel(), return_inverse=True)
    texts = [k if isinstance(k, bytes) else str(k) for k in keys.tolist()]
    return fingerprint64(texts)[inverse].reshape(feature.shape)
