"""`Hashing`: strings or integers -> one of `num_bins` buckets, with no vocabulary to learn or store.

The bucket of a value is FarmHash Fingerprint64 of its text modulo the number of bins, exactly as
TensorFlow's `to_hash_bucket_fast` computes it for Keras (integers hash their decimal text, floats are
truncated to integers first), so a model trained with Keras puts every value where tkeras does. With a
`salt`, Keras switches to `to_hash_bucket_strong`, SipHash-2-4 keyed by the salt, and so does tkeras.
Values are hashed on the host, each distinct value of a batch once.
"""
import numbers

import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import is_text
from tkeras.layers.preprocessing._encoding import check_sparse, encode, encoded_shape
from tkeras.layers.preprocessing._fingerprint import fingerprint64
from tkeras.layers.preprocessing._keyed_hash import keyed_hash64, salt_pair

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(Layer):
    """Hash each input value into `num_bins` bins.

    Args:
        num_bins: the number of bins; with `mask_value`, bin 0 is the mask's and the others share
            `num_bins - 1`.
        mask_value: a value that always goes to bin 0 (e.g. '' or 0 for padding).
        salt: an integer or a pair of integers: the key of SipHash-2-4 (TensorFlow's
            `to_hash_bucket_strong`), for bins that cannot be predicted without the key; an integer `k`
            is the pair `[k, k]`.
        output_mode: "int" (the bin ids, in the layer's dtype: int64 unless int32 is asked for), or
            "one_hot", "multi_hot", "count" vectors of width `num_bins` (float32 by default).

    Example: `Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"]]))` -> bin ids in {0, 1, 2}.
    """

    accepts_strings = True

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral) or num_bins <= 0:
            raise ValueError(f"Hashing: `num_bins` must be a positive integer, received {num_bins!r}")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Hashing: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else config.floatx()
        super().__init__(**kwargs)
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"Hashing: with output_mode='int' the bins are integers, so `dtype` must be 'int32' or "
                             f"'int64', received {self.dtype!r}")
        if sparse and output_mode == "int":
            raise ValueError("Hashing: `sparse=True` needs an encoded output_mode, not 'int'")
        check_sparse("Hashing", sparse)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = salt_pair("Hashing", salt)
        self.output_mode = output_mode
        self.sparse = False

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (str, bytes)) or (isinstance(inputs, (list, tuple)) and is_text(inputs)):
            inputs = np.asarray(inputs, dtype=object)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        if isinstance(inputs, torch.Tensor):
            device = inputs.device
            values = inputs.detach().cpu().numpy()
            if values.dtype.kind == "f":
                values = values.astype(np.int64)  # Keras truncates floats to integers before hashing
        else:
            device = config.device()
            values = np.asarray(inputs)
        if values.dtype.kind == "b":
            values = values.astype(np.int64)
        bins = torch.from_numpy(self._bins(values)).to(device)
        if self.output_mode == "int":
            return bins.to(config.standardize_dtype(self.dtype))
        return encode(bins, self.output_mode, self.num_bins, config.standardize_dtype(self.compute_dtype), "Hashing")

    def _bins(self, values):
        keys, inverse = np.unique(values.ravel(), return_inverse=True)
        texts = [k.decode("utf-8") if isinstance(k, bytes) else str(k) for k in keys.tolist()]
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            masked = np.array([_same(k, self.mask_value) for k in keys.tolist()], dtype=bool)
        hashes = fingerprint64(texts) if self.salt is None else keyed_hash64(texts, self.salt)
        result = (hashes % np.uint64(bins)).astype(np.int64)
        if masked is not None:
            result = np.where(masked, 0, result + 1)
        return result[inverse].reshape(values.shape)

    def _output_dtype(self, input_dtype):
        return self.dtype

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                        "output_mode": self.output_mode, "sparse": self.sparse})
        return config_


def _same(key, mask_value):
    if isinstance(key, bytes):
        key = key.decode("utf-8")
    if isinstance(key, str) != isinstance(mask_value, str):
        return False
    return key == mask_value
