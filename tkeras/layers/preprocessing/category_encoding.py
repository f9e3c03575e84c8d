"""`CategoryEncoding`: integer category ids -> one-hot, multi-hot or count vectors, inside the model.

For features that are already small integers (ids in [0, num_tokens)); strings or arbitrary integers
go through StringLookup / IntegerLookup first, which can encode by themselves too. See `_encoding` for
the shape rules shared with those layers.
"""
import numbers

import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._encoding import check_sparse, encode, encoded_shape
from tkeras.layers.preprocessing._data_layer import DataLayerMethods

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


class CategoryEncoding(DataLayerMethods, Layer):
    """Encode integer ids in [0, num_tokens) as float vectors of length `num_tokens`.

    Args:
        num_tokens: the number of categories; every input must be below it.
        output_mode: "multi_hot" (default; 1 where an id occurs in the sample's last axis), "one_hot"
            (one vector per element) or "count" (how often each id occurs; `call(..., count_weights=w)`
            sums weights instead of ones).

    Example: `CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])` is a 4x4 identity
    with its rows permuted.
    """

    _outputs_in_compute_dtype = False  # float32 under a mixed policy, as in Keras

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # the TF 2.4-2.5 name of "multi_hot"
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"CategoryEncoding: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        if num_tokens is None:
            raise ValueError("CategoryEncoding: `num_tokens` is required; when the number of categories is not "
                             "known in advance, use IntegerLookup (or StringLookup) instead")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, numbers.Integral) or num_tokens < 1:
            raise ValueError(f"CategoryEncoding: `num_tokens` must be an integer >= 1, received {num_tokens!r}")
        check_sparse("CategoryEncoding", sparse)
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding: `count_weights` only applies to output_mode='count', not "
                             f"{self.output_mode!r}")
        if inputs.is_floating_point():
            if bool((inputs != torch.round(inputs)).any()):
                raise ValueError("CategoryEncoding: inputs must be integer category ids, received non-integer floats")
            inputs = inputs.long()
        # Keras encodes in the variable dtype: float32 even under a mixed policy.
        return encode(inputs, self.output_mode, self.num_tokens, config.standardize_dtype(self.dtype),
                      "CategoryEncoding", count_weights=count_weights)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        if self.sparse:  # Keras 3 leaves it out (it takes the argument but does not write it)
            config_["sparse"] = True
        return config_
