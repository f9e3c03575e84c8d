"""`IntegerLookup`: arbitrary integer categories (ids, codes, years) -> contiguous indices or vectors.

The lookup runs on the tensor's device: the vocabulary is kept as a sorted key tensor and found with
`searchsorted`, so a batch costs a few vectorized ops wherever the model runs.
"""
import numbers

import numpy as np
import torch

from tkeras.layers.preprocessing._fingerprint import fingerprint64
from tkeras.layers.preprocessing._keyed_hash import keyed_hash64, salt_pair
from tkeras.layers.preprocessing.index_lookup import _MISSING, IndexLookup


class IntegerLookup(IndexLookup):
    """Map integers to indices from a vocabulary learned by `adapt()` or given as `vocabulary=`.

    Arguments are StringLookup's, with integer tokens: `mask_token` (None by default) and `oov_token`
    (-1, what `invert=True` returns for OOV indices) are integers. With more than one OOV index,
    unknown integers go to bucket `value mod num_oov_indices` (`oov_method="floormod"`, Keras' default)
    or by FarmHash of their decimal text (`oov_method="farmhash"`; with a `salt`, SipHash-2-4 keyed by it).

    Example:

        lookup = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
        lookup(np.array([[12, 1138, 42], [42, 1000, 36]]))   # [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype not in ("int64", "int32", None):
            raise ValueError(f"IntegerLookup: `vocabulary_dtype` must be 'int64', received {vocabulary_dtype!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup: `oov_method` must be 'floormod' or 'farmhash', received {oov_method!r}")
        if salt is not None and oov_method != "farmhash":
            raise ValueError(f"IntegerLookup: a `salt` keys the hash of oov_method='farmhash'; with "
                             f"oov_method={oov_method!r} unknown integers are not hashed")
        for argument, value in (("mask_token", mask_token), ("oov_token", oov_token)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
                raise ValueError(f"IntegerLookup: `{argument}` must be an integer or None, received {value!r}")
        self.oov_method = oov_method
        self.vocabulary_dtype = vocabulary_dtype or "int64"
        self.salt = salt_pair("IntegerLookup", salt)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token), vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name, **kwargs)

    def _key(self, value):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)  # a line of a vocabulary file
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)) and not (
                isinstance(value, (float, np.floating)) and float(value).is_integer()):
            raise TypeError(f"IntegerLookup: expected integers, found {type(value).__name__} ({value!r:.40})")
        return int(value)

    def _set_table(self):
        keys = torch.tensor(self._tokens, dtype=torch.int64)
        order = torch.argsort(keys)
        self._sorted_keys = keys[order]
        self._sorted_indices = order + self._token_start_index()

    def _integers(self, inputs):
        if not isinstance(inputs, torch.Tensor):
            raise TypeError(f"IntegerLookup: expected integers, received {type(inputs).__name__}")
        if inputs.is_floating_point():
            if bool((inputs != torch.round(inputs)).any()):
                raise TypeError("IntegerLookup: expected integers, received non-integer floats")
        return inputs.long()

    def _lookup(self, inputs):
        values = self._integers(inputs)
        keys = self._sorted_keys.to(values.device)
        if keys.numel():
            position = torch.searchsorted(keys, values).clamp(max=keys.numel() - 1)
            found = keys[position] == values
            indices = torch.where(found, self._sorted_indices.to(values.device)[position],
                                  torch.full_like(values, _MISSING))
        else:
            indices = torch.full_like(values, _MISSING)
        if self.mask_token is not None:
            indices = torch.where(values == self.mask_token, torch.full_like(values, self._mask_index()), indices)
        missing = indices == _MISSING
        missing_keys = values[missing].cpu().tolist() if bool(missing.any()) else None

        def buckets():
            if self.oov_method == "floormod":
                return torch.remainder(values, self.num_oov_indices)
            texts = [str(v) for v in values.reshape(-1).cpu().tolist()]
            hashes = fingerprint64(texts) if self.salt is None else keyed_hash64(texts, self.salt)
            hashed = hashes % np.uint64(self.num_oov_indices)
            return torch.from_numpy(hashed.astype(np.int64)).reshape(values.shape).to(values.device)
        return indices, missing_keys, buckets

    def _invert(self, inputs):
        indices = self._integers(inputs)
        table = torch.tensor([-1 if t is None else t for t in self.get_vocabulary()] + [self.oov_token],
                             dtype=torch.int64, device=indices.device)
        outside = (indices < 0) | (indices >= table.numel() - 1)
        return table[torch.where(outside, torch.full_like(indices, table.numel() - 1), indices)]
