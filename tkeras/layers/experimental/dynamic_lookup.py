"""tf-keras 2's `layers.experimental.DynamicLookup`: a lookup whose vocabulary can follow the data.

Each call looks its inputs up in the layer's `vocabulary` (the index of the key, or `vocabulary_size`
for any other: one OOV index at the end) and, with `learn_vocab=True`, counts the batch's distinct
keys in a frequency table of `floor(1.2 * vocabulary_size)` slots. When new keys do not fit, the least
frequent keys leave first ("LFU", the only policy), ties going in table order, even keys of the
current batch; new keys enter in sorted order with a count of one. The table only changes what
`get_top_vocabulary(k)` reports; the lookup's own `vocabulary` changes when DynamicEmbedding's
`update_embeddings` installs the top keys (dynamic_embedding.py).

tf-keras keeps the table and the vocabulary in (string or integer) variables; torch has no string
tensors, so here they are NumPy arrays the layer owns, read through the same attribute names
(`vocabulary_table_keys`, `vocabulary_table_values`, `vocabulary`), padded as tf-keras pads them
("unk" for strings, -1 for integers), and not among the layer's weights.
"""
import random
import string

import numpy as np
import torch

from tkeras.backend.stateless_scope import in_symbolic_scope
from tkeras.layers.layer import Layer
from tkeras.ops.text import as_text_array, is_string_dtype, is_text, text_tensor

_TABLE_GROWTH = np.float32(1.2)  # the table keeps 20% more keys than the vocabulary, as tf-keras sizes it
_RANDOM_KEY_LENGTH = 10


class DynamicLookup(Layer):
    accepts_strings = True  # a string vocabulary's inputs come as text; integer inputs arrive as tensors

    def __init__(self, vocabulary_size, initial_vocabulary, eviction_policy="LFU", **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.eviction_policy = eviction_policy
        self._initial = _initial_vocabulary(initial_vocabulary, vocabulary_size, self.name)
        self.internal_table_size = int(np.floor(np.float32(vocabulary_size) * _TABLE_GROWTH))
        self.vocabulary_dtype = "string" if self._initial.dtype.kind == "U" else self._initial.dtype.name
        if eviction_policy != "LFU":
            raise ValueError(f"DynamicLookup {self.name!r}: eviction_policy={eviction_policy!r} is not supported; "
                             f"the only policy is 'LFU'")
        self._keys = _padded(self._initial, self.internal_table_size)
        self._counts = _padded(np.zeros(len(self._initial), np.int32), self.internal_table_size)
        self._vocabulary = self._initial.copy()

    # -- the state, as tf-keras names it ----------------------------------------------------------
    @property
    def initial_vocabulary(self):
        return _as_user_value(self._initial)

    @property
    def vocabulary(self):
        return _as_user_value(self._vocabulary)

    @property
    def vocabulary_table_keys(self):
        return _as_user_value(self._keys)

    @property
    def vocabulary_table_values(self):
        return _as_user_value(self._counts)

    def get_vocabulary(self):
        return self.vocabulary

    def get_top_vocabulary(self, k):
        """The `k` keys counted most often (ties in table order; padding last, with its count of -1)."""
        return _as_user_value(top_keys(self._keys, self._counts, k))

    # -- calling ------------------------------------------------------------------------------------
    def call(self, inputs, learn_vocab=True):
        keys, shape = self._keys_of(inputs)
        if learn_vocab and not in_symbolic_scope():  # (a shape probe's placeholders are not data)
            self._learn(_unique_in_order(keys))
        matches = keys[:, None] == self._vocabulary[None, :]
        indices = np.where(matches.any(axis=1), matches.argmax(axis=1), self.vocabulary_size)
        return torch.from_numpy(indices.astype(np.int64)).reshape(shape)

    def _keys_of(self, inputs):
        if self.vocabulary_dtype == "string":
            if not is_text(inputs) and not (isinstance(inputs, np.ndarray) and inputs.size == 0):
                raise TypeError(f"DynamicLookup {self.name!r}: its vocabulary holds strings, so it takes strings; "
                                f"received {type(inputs).__name__}")
            array = as_text_array(inputs)
            return array.reshape(-1), array.shape
        values = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) else np.asarray(inputs)
        if values.dtype.kind not in "iu":
            raise TypeError(f"DynamicLookup {self.name!r}: its vocabulary holds {self.vocabulary_dtype} keys, so it "
                            f"takes integers; received {values.dtype}")
        return values.reshape(-1).astype(self._initial.dtype), values.shape

    def _learn(self, batch_keys):
        """Count the batch's distinct keys, evicting the least frequent ones to make room for new keys."""
        pad = _padding(self._keys)
        keys, counts = self._keys[self._keys != pad], self._counts[self._counts != -1]
        new_keys = np.array(sorted(set(batch_keys.tolist()) - set(keys.tolist())), dtype=keys.dtype)
        evicted = max(len(keys) - self.internal_table_size + len(new_keys), 0)
        if evicted > len(keys):
            raise ValueError(f"DynamicLookup {self.name!r}: a batch brought {len(new_keys)} new keys, more than its "
                             f"table of {self.internal_table_size} holds; use a larger vocabulary_size")
        if evicted:
            least_frequent = np.argsort(counts, kind="stable")[:evicted]
            kept = ~np.isin(keys, keys[least_frequent])
            keys, counts = keys[kept], counts[kept]
        counts = counts + np.isin(keys, batch_keys).astype(np.int32)
        self._keys = _padded(np.concatenate([keys, new_keys]), self.internal_table_size)
        self._counts = _padded(np.concatenate([counts, np.ones(len(new_keys), np.int32)]), self.internal_table_size)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def _output_dtype(self, input_dtype):
        return "int64"

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({"vocabulary_size": self.vocabulary_size, "initial_vocabulary": self._initial.tolist(),
                       "eviction_policy": self.eviction_policy})
        return config


def top_keys(keys, counts, k):
    """tf.nn.top_k's choice: the `k` largest counts, equal counts in table order."""
    order = np.argsort(-counts.astype(np.int64), kind="stable")[:min(int(k), len(keys))]
    return keys[order]


def _initial_vocabulary(value, size, layer_name):
    """The initial vocabulary as a NumPy array (str, int32 or int64); a dtype asks for `size` random keys."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().reshape(-1)
    if isinstance(value, (str, torch.dtype)) and is_string_dtype(value):  # tf.string: random keys
        letters = string.ascii_letters
        return np.array(["".join(random.choice(letters) for _ in range(_RANDOM_KEY_LENGTH)) for _ in range(size)])
    if isinstance(value, (str, torch.dtype)) and value in (torch.int32, torch.int64, "int32", "int64"):
        dtype = np.int32 if value in (torch.int32, "int32") else np.int64
        return np.random.randint(0, size, size=size).astype(dtype)
    if isinstance(value, (list, tuple, np.ndarray)) or is_text(value):
        array = as_text_array(value) if is_text(value) else np.asarray(value)
        if array.dtype.kind in "iu" or array.dtype.kind == "U":
            return array.reshape(-1)
    raise ValueError(f"DynamicLookup {layer_name!r}: initial_vocabulary must be a 1-D tensor (or list) of strings "
                     f"or integers, or one of the dtypes tf.string, tf.int32, tf.int64; received {value!r:.80}")


def _padding(keys):
    return "unk" if keys.dtype.kind == "U" else -1


def _padded(values, size):
    """`values` padded (or cut) to `size` entries, with tf-keras' padding for its kind of keys."""
    pad = _padding(values)
    dtype = np.result_type(values.dtype, np.array([pad]).dtype) if values.dtype.kind == "U" else values.dtype
    padded = np.full(size, pad, dtype=dtype)
    count = min(len(values), size)
    padded[:count] = values[:count]
    return padded


def _unique_in_order(keys):
    _, first = np.unique(keys, return_index=True)
    return keys[np.sort(first)]


def _as_user_value(array):
    return text_tensor(array.copy()) if array.dtype.kind == "U" else torch.from_numpy(array.copy())
