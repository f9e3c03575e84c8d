"""The vocabulary-to-index machinery behind StringLookup and IntegerLookup (as Keras' IndexLookup).

Index layout, as in Keras, so that indices learned by either library agree: in "int" mode a mask token
(when set) takes index 0; then come `num_oov_indices` out-of-vocabulary slots, then the vocabulary,
most frequent token first. In the other output modes the mask token has no slot and is dropped. The
subclasses say how keys are looked up (strings in NumPy, integers on the tensor's device); everything
else (vocabulary rules, adapt, idf weights, encoding, config) lives here.
"""
import numbers
import warnings
from collections import Counter

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.stateless_scope import in_symbolic_scope
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._encoding import ENCODED_MODES, check_sparse, encode, encoded_shape
from tkeras.layers.preprocessing._adapt_state import AdaptStateMixin
from tkeras.layers.preprocessing._vocabulary_assets import VocabularyAssets
from tkeras.layers.preprocessing._vocabulary import (adapt_batches, as_numpy_tokens, inverse_document_frequency,
                                                     ranked_tokens, read_vocabulary_file, repeated_tokens)

OUTPUT_MODES = ("int",) + ENCODED_MODES
_LEGACY_MODES = {"binary": "multi_hot", "tf-idf": "tf_idf"}  # TF 2.4-2.5 spellings
_MISSING = -2  # a key not in the vocabulary, before OOV handling
_DROPPED = -1  # a mask token outside "int" mode: no slot (see `_encoding`)


class IndexLookup(AdaptStateMixin, VocabularyAssets, Layer):
    """Base class; use StringLookup or IntegerLookup (their docstrings list the arguments)."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 name=None, **kwargs):
        # Keras writes the size of an adapted vocabulary (special tokens included) into the config and the
        # tokens themselves into the archive's assets: remember the size until those are loaded.
        self._config_vocabulary_size = _size_or_none(kwargs.get("vocabulary_size"))
        # As in Keras the layer is always trainable (it has no trainable weights); the dtype a config
        # names is kept (tf-keras wrote int64), the outputs' dtype does not follow it (see _encoded_dtype).
        for ignored in ("vocabulary_size", "has_input_vocabulary", "vocabulary_dtype", "trainable"):
            kwargs.pop(ignored, None)
        super().__init__(name=name, **kwargs)
        owner = type(self).__name__
        output_mode = _LEGACY_MODES.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{owner}: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, numbers.Integral)
                                       or max_tokens <= 1):
            raise ValueError(f"{owner}: `max_tokens` must be None or an integer > 1, received {max_tokens!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{owner}: `pad_to_max_tokens=True` needs `max_tokens`, the width to pad to")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, numbers.Integral) or num_oov_indices < 0:
            raise ValueError(f"{owner}: `num_oov_indices` must be an integer >= 0, received {num_oov_indices!r}")
        if invert and output_mode != "int":
            raise ValueError(f"{owner}: `invert=True` maps indices back to tokens, so output_mode must be 'int', "
                             f"received {output_mode!r}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{owner}: `idf_weights` only apply to output_mode='tf_idf', not {output_mode!r}")
        if output_mode == "int" and sparse:
            raise ValueError(f"{owner}: `sparse=True` needs an encoded output_mode, not 'int'")
        check_sparse(owner, sparse)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self._tokens = []     # the vocabulary, without the special tokens
        self._idf = None      # one weight per output slot (tf_idf mode)
        self._accumulated = None  # (token counts, document counts, documents) from update_state
        self.built = True
        # As in Keras: a vocabulary given to the constructor (or found in the config) is the layer's, and
        # any vocabulary asset of a saved file is then ignored.
        self._vocabulary_in_config = vocabulary is not None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights=idf_weights)
        elif output_mode == "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: `idf_weights` need a `vocabulary` to go with them")

    # -- subclass hooks -------------------------------------------------------------------------
    def _key(self, value):
        """A vocabulary entry in canonical form (a str, an int); raises TypeError for a wrong type."""
        raise NotImplementedError

    def _lookup(self, inputs):
        """(indices, missing_keys, buckets): the index of every input key (an int64 tensor; `_MISSING` where
        the key is not in the vocabulary, `_mask_index()` for the mask token), the missing keys (None if
        none) and a function giving every position's OOV bucket in [0, num_oov_indices)."""
        raise NotImplementedError

    def _invert(self, inputs):
        raise NotImplementedError

    def _set_table(self):
        """Rebuild the subclass' lookup structure after the vocabulary changed."""
        raise NotImplementedError

    # -- index layout ---------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens in index order: with the special tokens, position i is the token of index i."""
        return (self._special_tokens() if include_special_tokens else []) + as_numpy_tokens(self._tokens)

    def vocabulary_size(self):
        """The number of indices, special ones included."""
        return self._token_start_index() + len(self._tokens)

    def vocab_size(self):
        """tf-keras 2's deprecated name of `vocabulary_size()`."""
        warnings.warn("vocab_size() is deprecated; call vocabulary_size()", DeprecationWarning, stacklevel=2)
        return self.vocabulary_size()

    def _depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        if not self._tokens and self._config_vocabulary_size is not None:
            return self._config_vocabulary_size  # a Keras file's layer, before its assets are read
        return self.vocabulary_size()

    # -- vocabulary -----------------------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use a given vocabulary: a list/array of tokens or the path of a file with one per line. The
        special tokens may lead it, exactly in index order, and are otherwise implied."""
        owner = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{owner}: output_mode='tf_idf' needs `idf_weights` with the vocabulary")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: `idf_weights` only apply to output_mode='tf_idf', not {self.output_mode!r}")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError(f"{owner}: output_mode='tf_idf' cannot read its vocabulary from a file; pass "
                                 f"the tokens and `idf_weights` as lists")
            vocabulary = self._read_file(vocabulary)
        if isinstance(vocabulary, torch.Tensor):
            vocabulary = vocabulary.detach().cpu().numpy()
        tokens = [self._key(v) for v in np.asarray(vocabulary, dtype=object).ravel().tolist()]
        if not tokens:
            raise ValueError(f"{owner}: the vocabulary is empty; pass at least one token")
        special = self._special_tokens()
        had_special = tokens[:len(special)] == special
        if had_special:
            tokens = tokens[len(special):]
        duplicates = repeated_tokens(tokens)
        if duplicates:
            raise ValueError(f"{owner}: the vocabulary has repeated tokens {duplicates[:5]}; make it unique")
        for kind, token, reserved in (("mask", self.mask_token, True), ("OOV", self.oov_token, self.invert)):
            if reserved and token is not None and token in tokens:
                raise ValueError(
                    f"{owner}: the {kind} token {token!r} is inside the vocabulary (position "
                    f"{tokens.index(token) + (len(special) if had_special else 0)}); leave the special tokens out, "
                    f"or put them first in this order: {special}")
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{owner}: a vocabulary of {size} tokens (special tokens included) exceeds "
                             f"max_tokens={self.max_tokens}")
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights.detach().cpu().numpy() if isinstance(idf_weights, torch.Tensor)
                                 else idf_weights, dtype=np.float64)
            given = len(tokens) + (len(special) if had_special else 0)
            if weights.ndim != 1 or len(weights) != given:
                raise ValueError(f"{owner}: `idf_weights` must be a 1-D list as long as the vocabulary ({given}), "
                                 f"received shape {weights.shape}")
            if not had_special:  # no document frequency for the special slots: use the average weight
                weights = np.concatenate([np.full(len(special), weights.mean()), weights])
            self._set_idf(weights)
        self._tokens = tokens
        self._set_table()

    def _set_idf(self, weights):
        if self.pad_to_max_tokens:
            weights = np.concatenate([weights, np.zeros(self.max_tokens - len(weights))])
        self._idf = weights

    def _read_file(self, path):
        return read_vocabulary_file(path, getattr(self, "encoding", "utf-8"), f"{type(self).__name__} {self.name!r}")

    def update_state(self, data):
        """Count the tokens of one batch (an array; each element a token, each row a document for
        tf_idf) without changing the vocabulary `call` uses; `finalize_state()` then ranks them."""
        self._accumulate(data, one_document_per_element=True)

    def _accumulate(self, batch, one_document_per_element):
        if self._accumulated is None:
            self._accumulated = (Counter(), Counter(), 0)
        counts, document_counts, documents = self._accumulated
        rows = self._adapt_rows(batch, one_document_per_element=one_document_per_element)
        for row in rows:
            counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                document_counts.update(set(row))
            documents += len(rows)
        self._accumulated = (counts, document_counts, documents)

    def finalize_state(self):
        """Make the vocabulary (and tf_idf weights) from the counts accumulated by `update_state`: tokens
        ranked by count, ties by the token in descending order, as Keras ranks them. Does nothing when
        no batch was accumulated."""
        if self._accumulated is None:
            return
        counts, document_counts, documents = self._accumulated
        counts = Counter(counts)
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        limit = None if self.max_tokens is None else self.max_tokens - self._token_start_index()
        self._tokens = ranked_tokens(counts, limit)
        if self.output_mode == "tf_idf":
            idf = inverse_document_frequency([document_counts[t] for t in self._tokens], documents)
            front = idf.mean() if idf.size else 0.0
            self._set_idf(np.concatenate([np.full(self._token_start_index(), front), idf]))
        self._set_table()

    def reset_state(self):
        """Forget the counts accumulated so far and mark the layer not adapted; the vocabulary stays
        until the next `finalize_state()` / `adapt()` (as in tf-keras)."""
        self._accumulated = None
        self._is_adapted = False

    def adapt(self, data, steps=None, batch_size=None):
        """Learn the vocabulary from `data`: an array (each element a token; each row a document for
        tf_idf) or an iterable of batches (a tf.data Dataset, a generator). Same as `reset_state()`,
        `update_state(batch)` for every batch, then `finalize_state()`; replaces any previous vocabulary."""
        self.reset_state()
        self._accumulated = (Counter(), Counter(), 0)
        single = _is_single_batch(data)
        for batch in adapt_batches(data, steps, single_batch=lambda _: single):
            self._accumulate(batch, one_document_per_element=single)
        self.finalize_state()
        self._is_adapted = True

    def _adapt_rows(self, batch, one_document_per_element):
        """A batch as a list of documents (lists of canonical keys)."""
        if isinstance(batch, torch.Tensor):
            batch = batch.detach().cpu().numpy()
        array = np.asarray(batch, dtype=object) if not isinstance(batch, np.ndarray) else batch
        if array.ndim == 0 or (array.ndim == 1 and not one_document_per_element):
            array = array.reshape(1, -1)
        elif array.ndim == 1:
            array = array.reshape(-1, 1)
        array = array.reshape(array.shape[0], -1)
        return [[self._key(v) for v in row] for row in array.tolist()]

    # -- call -----------------------------------------------------------------------------------
    def call(self, inputs):
        if self.invert:
            return self._invert(inputs)
        owner = type(self).__name__
        if self.output_mode != "int" and not self.pad_to_max_tokens and not self._tokens:
            raise RuntimeError(f"{owner}: output_mode={self.output_mode!r} needs the vocabulary before the first "
                               f"call; pass `vocabulary=` or call adapt() first")
        indices, missing_keys, buckets = self._lookup(inputs)
        missing = indices == _MISSING
        if missing_keys is not None:
            # A shape probe (the functional API's dry run, on empty strings) is not a lookup of real data.
            if self.num_oov_indices == 0 and not in_symbolic_scope():
                examples = sorted(set(missing_keys[:20]), key=repr)[:5]
                raise ValueError(f"{owner}: with num_oov_indices=0 every input must be in the vocabulary, found "
                                 f"{examples}; set num_oov_indices=1 to map unknown inputs to an OOV index")
            oov = self._oov_start_index()
            fill = buckets() + oov if self.num_oov_indices > 1 else torch.full_like(indices, oov)
            indices = torch.where(missing, fill, indices)
        if self.output_mode == "int":
            return indices
        idf = None
        if self.output_mode == "tf_idf":
            idf = torch.as_tensor(self._idf[:self._depth()], dtype=config.standardize_dtype(self._encoded_dtype()))
        return encode(indices, self.output_mode, self._depth(), config.standardize_dtype(self._encoded_dtype()),
                      owner, idf_weights=idf, allow_dropped=True)

    def _encoded_dtype(self):
        """Encoded rows are floats: the layer's dtype when it is one, else floatx (a tf-keras config's int64)."""
        dtype = self.compute_dtype
        return dtype if dtype in ("float16", "bfloat16", "float32", "float64") else config.floatx()

    def _mask_index(self):
        """Where mask tokens go: index 0 in "int" mode, no slot at all otherwise."""
        return 0 if self.output_mode == "int" else _DROPPED

    def _output_dtype(self, input_dtype):
        if self.invert:  # ids back to keys: the keys' type
            return "string" if self.accepts_strings else "int64"
        return "int64" if self.output_mode == "int" else self._encoded_dtype()

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    # -- configuration --------------------------------------------------------------------------
    def get_config(self):
        """Keras 3.15's keys in its order (StringLookup drops `vocabulary_dtype` and adds `encoding`)."""
        config_ = super().get_config()
        config_.update({
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": getattr(self, "vocabulary_dtype", "int64"),
            "idf_weights": (self._idf[self._token_start_index():self.vocabulary_size()].tolist()
                            if self._idf is not None and self._tokens else None),
            # Keras keeps an adapted vocabulary in the archive's assets; tkeras keeps it in the config too.
            "vocabulary": list(self._tokens) if self._tokens else None,
            # Keras writes the size (special tokens included) once a vocabulary is set or adapted.
            "vocabulary_size": self.vocabulary_size() if self._tokens else self._config_vocabulary_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return config_

    # -- Keras assets (`.keras` archives) -------------------------------------------------------
    # Keras 3 keeps the vocabulary of a layer that was adapted (not given one) out of the config: it
    # writes it to `assets/<object path>/vocabulary.txt` in the zip, one token per line, special tokens
    # first, lines joined by "\n", and keeps tf_idf weights as the variable `idf_weights` next to the
    # layer's other weights. tkeras writes both as well (and keeps the vocabulary in the config too).
    _KERAS_STATE_PATHS = ("",)  # where, below the layer's own path, Keras keeps this state

    def _keras_idf_weights(self):
        """The `idf_weights` variable Keras saves in tf_idf mode: one weight per index, special slots
        first, zero-padded to `max_tokens` with pad_to_max_tokens; None when there is none."""
        if self.output_mode != "tf_idf" or self._idf is None:
            return None
        return np.asarray(self._idf, dtype=np.float32)

    def _needs_keras_assets(self):
        """Whether the config says this layer's vocabulary is stored outside it (Keras, after adapt)."""
        return (not self._vocabulary_in_config and self._config_vocabulary_size is not None
                and self._config_vocabulary_size > self._token_start_index())

    def _load_asset_files(self, files, idf_weights=None):
        """Take the vocabulary (and idf weights) from a saved file's assets, as Keras' `load_assets`
        does; raises ValueError/TypeError when they do not fit the layer."""
        if self._vocabulary_in_config:
            return
        values = [self._key(line) for line in self._asset_vocabulary(files)]
        special = self._special_tokens()
        learned = values[len(special):] if values[:len(special)] == special else values
        if not learned:  # saved before any adapt(): only the special tokens
            self._tokens, self._idf = [], None
            self._set_table()
        elif self.output_mode == "tf_idf":
            weights = self._asset_idf_weights(idf_weights, len(values))
            self.set_vocabulary(values, idf_weights=weights)
        else:
            self.set_vocabulary(values)
        self._check_asset_size()


def _size_or_none(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        return None
    return int(value)


def _is_single_batch(data):
    """One array of keys (as opposed to an iterable of batches)."""
    if isinstance(data, (np.ndarray, torch.Tensor, str, bytes, numbers.Number)):
        return True
    if isinstance(data, (list, tuple)):
        first = data[0] if data else None
        while isinstance(first, (list, tuple)) and first:
            first = first[0]
        return first is None or isinstance(first, (str, bytes, numbers.Number))
    return False
