"""`StringLookup`: string categories (or tokens) -> integer indices or encoded vectors, inside the model.

Strings are looked up in NumPy on the host (they cannot live on a GPU): each distinct string of the batch
is looked up once, and only the resulting indices become a tensor on the compute device. With
`invert=True` the layer maps indices back to strings and returns a NumPy array of `str`.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer_inputs import is_text
from tkeras.layers.preprocessing._fingerprint import fingerprint64
from tkeras.layers.preprocessing._keyed_hash import keyed_hash64, salt_pair
from tkeras.layers.preprocessing._ragged_lookup import is_ragged, lookup_ragged
from tkeras.layers.preprocessing.index_lookup import _MISSING, IndexLookup


class StringLookup(IndexLookup):
    """Map strings to indices from a vocabulary learned by `adapt()` or given as `vocabulary=`.

    Args:
        max_tokens: cap on the vocabulary size, special tokens included (None: no cap).
        num_oov_indices: how many indices unknown strings share (hashed among them); 0 makes unknown
            strings an error.
        mask_token: a string that means "no value": index 0 in "int" mode, dropped in the other modes.
        oov_token: the string `invert=True` returns for OOV indices ('[UNK]').
        vocabulary: a list/array of strings or a path to a file with one per line.
        idf_weights: with output_mode="tf_idf" and a given vocabulary, one weight per token.
        invert: map indices back to strings.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf" (see CategoryEncoding's shapes).
        pad_to_max_tokens: encoded outputs are `max_tokens` wide whatever the vocabulary size.
        encoding: how bytes inputs and vocabulary files are decoded.

    With more than one OOV index, unknown strings are spread by FarmHash Fingerprint64 modulo
    `num_oov_indices`, as TensorFlow's `to_hash_bucket_fast` does, or with a `salt` (an integer or two)
    by SipHash-2-4 keyed by it, as `to_hash_bucket_strong` does.

    Example:

        lookup = keras.layers.StringLookup(vocabulary=["a", "b", "c"])
        lookup(np.array([["a", "c"], ["d", "b"]]))   # [[1, 3], [0, 2]]: 0 is the OOV index
    """

    accepts_strings = True
    vocabulary_dtype = "string"  # Keras 3's attribute (IntegerLookup's is "int64"); not written to the config

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", salt=None, name=None, **kwargs):
        # Keras takes oov_method here too but always hashes strings: FarmHash, or SipHash keyed by a salt.
        self.oov_method = kwargs.pop("oov_method", "floormod")
        if self.oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"StringLookup: `oov_method` must be 'floormod' or 'farmhash', received "
                             f"{self.oov_method!r}")
        self.salt = salt_pair("StringLookup", salt)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         **kwargs)

    def __call__(self, inputs, *args, **kwargs):
        # Lists of strings become one NumPy array (a list would read as several inputs).
        if isinstance(inputs, (str, bytes)) or (isinstance(inputs, (list, tuple)) and is_text(inputs)):
            inputs = np.asarray(inputs, dtype=object)
        if is_ragged(inputs):
            return lookup_ragged(self, inputs, lambda dense: super(StringLookup, self).__call__(dense, *args, **kwargs))
        return super().__call__(inputs, *args, **kwargs)

    def _key(self, value):
        if isinstance(value, bytes):
            return value.decode(self.encoding)
        if isinstance(value, np.str_):
            return str(value)
        if not isinstance(value, str):
            raise TypeError(f"StringLookup: expected strings, found {type(value).__name__} ({value!r:.40})")
        return value

    def _strings(self, inputs):
        if isinstance(inputs, torch.Tensor):
            raise TypeError(f"StringLookup: expected strings, received a tensor of dtype {inputs.dtype}; use "
                            f"IntegerLookup for integer categories (or invert=True to map indices to strings)")
        array = np.asarray(inputs)
        if array.dtype.kind == "S" or array.dtype == object:
            array = np.vectorize(self._key, otypes=[object])(array) if array.size else array.astype(object)
        elif array.dtype.kind != "U":
            raise TypeError(f"StringLookup: expected strings, received an array of dtype {array.dtype}")
        return array

    def _set_table(self):
        offset = self._token_start_index()
        self._index = {token: i + offset for i, token in enumerate(self._tokens)}

    def _lookup(self, inputs):
        array = self._strings(inputs)
        # Each distinct string is looked up once; `inverse` puts the answers back in place.
        keys, inverse = np.unique(array.astype(str).ravel(), return_inverse=True)
        get = self._index.get
        found = np.fromiter((get(k, _MISSING) for k in keys.tolist()), dtype=np.int64, count=keys.size)
        if self.mask_token is not None:
            found[keys == self.mask_token] = self._mask_index()
        missing = found == _MISSING
        missing_keys = keys[missing].tolist() if missing.any() else None
        device = config.device()
        indices = torch.from_numpy(found[inverse].reshape(array.shape)).to(device)

        def buckets():
            hashed = np.zeros(keys.size, dtype=np.int64)
            if missing.any():
                texts = keys[missing].tolist()
                hashes = (fingerprint64(texts, self.encoding) if self.salt is None
                          else keyed_hash64(texts, self.salt, self.encoding))
                hashed[missing] = (hashes % np.uint64(self.num_oov_indices)).astype(np.int64)
            return torch.from_numpy(hashed[inverse].reshape(array.shape)).to(device)
        return indices, missing_keys, buckets

    def _invert(self, inputs):
        if not isinstance(inputs, torch.Tensor) or inputs.is_floating_point():
            raise TypeError("StringLookup(invert=True): expected integer indices")
        indices = inputs.detach().cpu().numpy().astype(np.int64)
        table = np.asarray(self.get_vocabulary() + [self.oov_token], dtype=object)
        indices = np.where((indices < 0) | (indices >= len(table) - 1), len(table) - 1, indices)
        return table[indices].astype(str)

    def get_config(self):
        config_ = super().get_config()
        del config_["vocabulary_dtype"]  # Keras' StringLookup does not write it
        config_["encoding"] = self.encoding
        return config_
