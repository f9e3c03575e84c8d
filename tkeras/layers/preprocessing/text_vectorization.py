"""`TextVectorization`: Keras 3's in-model replacement for `Tokenizer` + `pad_sequences`.

Raw strings go in, a torch tensor comes out, so a saved model carries its own vocabulary and needs
no separate preprocessing script. The vocabulary follows Keras 3's rules so that vocabularies
learned by Keras and by tkeras agree: by count, ties broken by the token in descending order;
index 0 is the mask token '' and 1 is '[UNK]' in "int" mode, while the other modes have no mask
token and put '[UNK]' at 0. The text work is plain Python (strings do not live on a GPU); only the
result is a tensor.

Keras standardizes and splits with TensorFlow's string ops, whatever its backend: they lowercase
ASCII letters only ('École' stays 'École') and split on ASCII whitespace only, so U+0085 (common in
the IMDB reviews), no-break and ideographic spaces stay inside tokens. Python's `str.lower`/`str.split`
are Unicode-aware and would give other tokens than the vocabulary a Keras model was trained with.

Difference from Keras: input must be strings (lists, NumPy arrays, or a column of shape (n, 1)).
"""
import re
from collections import Counter
from itertools import chain

import numpy as np
import torch

from tkeras.backend import config as backend_config
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.tensor import wrap_eager_output
from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import is_symbolic
from tkeras.layers.preprocessing._adapt_state import AdaptStateMixin
from tkeras.layers.preprocessing._vocabulary_assets import VocabularyAssets
from tkeras.layers.preprocessing.index_lookup import _size_or_none
from tkeras.layers.preprocessing._vocabulary import (as_numpy_tokens, inverse_document_frequency, ranked_tokens,
                                                     read_vocabulary_file, repeated_tokens)

STANDARDIZE_MODES = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = (None, "whitespace", "character")
OUTPUT_MODES = ("int", "multi_hot", "count", "tf_idf")
MASK_TOKEN = ""
OOV_TOKEN = "[UNK]"
_OLD_OUTPUT_MODES = {"tf-idf": "tf_idf", "binary": "multi_hot"}
# ASCII punctuation, apostrophe included ("don't" -> "dont"), removed rather than replaced by a space.
_PUNCTUATION = re.compile(r"[!\"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~']")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_WHITESPACE_TOKEN = re.compile(r"[^ \t\n\v\f\r]+")


class TextVectorization(AdaptStateMixin, VocabularyAssets, Layer):
    """Strings -> token indices (`output_mode='int'`) or one bag-of-words row per string.

    Learn the vocabulary with `adapt(texts)` or pass `vocabulary=[...]`. `max_tokens` bounds the
    vocabulary size including the special tokens. In "int" mode each row is padded with 0 (or cut)
    to `output_sequence_length`, or to the longest row of the batch when that is None.
    """

    accepts_strings = True

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace",
                 ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
                 vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding="utf-8",
                 name=None, **kwargs):
        # Keras writes the adapted vocabulary's size here and the tokens into the archive's assets.
        self._config_vocabulary_size = _size_or_none(kwargs.pop("vocabulary_size", None))
        kwargs.pop("has_input_vocabulary", None)
        # Always trainable, as in Keras (no trainable weights); a config's dtype is kept (tf-keras wrote "string").
        super().__init__(name=name, **{k: v for k, v in kwargs.items() if k != "trainable"})
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 2):
            raise ValueError(f"TextVectorization: `max_tokens` must be None or an integer >= 2, received {max_tokens!r}")
        if standardize not in STANDARDIZE_MODES and not callable(standardize):
            raise ValueError(f"TextVectorization: `standardize` must be one of {STANDARDIZE_MODES} or a callable, received {standardize!r}")
        if split not in SPLIT_MODES and not callable(split):
            raise ValueError(f"TextVectorization: `split` must be one of {SPLIT_MODES} or a callable, received {split!r}")
        # TF 2's spellings, still accepted by Keras 3 and written back under the current names.
        output_mode = _OLD_OUTPUT_MODES.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"TextVectorization: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams >= 1)
                or (isinstance(ngrams, (tuple, list)) and ngrams and all(isinstance(n, int) and n >= 1 for n in ngrams))):
            raise ValueError(f"TextVectorization: `ngrams` must be None, an integer >= 1 or a tuple of them, received {ngrams!r}")
        if output_sequence_length is not None:
            if output_mode != "int":
                raise ValueError(f"TextVectorization: `output_sequence_length` is only valid with output_mode='int', not {output_mode!r}")
            if isinstance(output_sequence_length, bool) or not isinstance(output_sequence_length, int) or output_sequence_length < 1:
                raise ValueError(f"TextVectorization: `output_sequence_length` must be None or an integer >= 1, received {output_sequence_length!r}")
        if sparse or ragged:
            raise ValueError("TextVectorization: `sparse` and `ragged` outputs need TensorFlow; tkeras returns dense tensors")
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._ngram_sizes = None if ngrams is None else (
            tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else tuple(ngrams))
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.pad_to_max_tokens = pad_to_max_tokens
        self.encoding = encoding
        self._vocabulary = []          # learned tokens, without the special ones
        self._index = {}
        self._idf = None               # idf of each learned token (tf_idf mode)
        self._oov_idf = 0.0
        self._accumulated = None       # (token counts, document counts, documents) from update_state
        self.built = True
        self._vocabulary_in_config = vocabulary is not None  # then, as in Keras, vocabulary assets are ignored
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights=idf_weights)
        elif idf_weights is not None:
            raise ValueError("TextVectorization: `idf_weights` needs a `vocabulary` to go with it")

    # -- text -> tokens -----------------------------------------------------------------------
    def _special_tokens(self):
        return [MASK_TOKEN, OOV_TOKEN] if self.output_mode == "int" else [OOV_TOKEN]

    def _texts(self, inputs, where):
        """Flatten the accepted input shapes (str, list, tuple, (n,) or (n, 1) array) to a list of str."""
        if isinstance(inputs, (str, bytes)):
            inputs = [inputs]
        if isinstance(inputs, torch.Tensor):
            raise TypeError(f"TextVectorization.{where}: expected strings, received a torch tensor of dtype {inputs.dtype}")
        array = np.asarray(inputs, dtype=object)
        if array.ndim == 0:
            array = array.reshape(1)
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1:
            raise ValueError(f"TextVectorization.{where}: expected a batch of strings of shape (n,) or (n, 1), received shape {array.shape}")
        texts = []
        for position, text in enumerate(array.tolist()):
            if isinstance(text, bytes):
                text = text.decode(self.encoding)
            if not isinstance(text, str):
                raise TypeError(f"TextVectorization.{where}: item {position} is {type(text).__name__} ({text!r:.40}), expected a string")
            texts.append(text)
        return texts

    def _tokens(self, text):
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            text = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)  # str.lower is the fast path
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        if callable(self.standardize):
            text = self.standardize(text)
        if self.split is None:
            tokens = [text]
        elif self.split == "whitespace":
            tokens = _ASCII_WHITESPACE_TOKEN.findall(text)
        elif self.split == "character":
            tokens = list(text)
        else:
            tokens = [str(token) for token in self.split(text)]  # tf.strings.split gives numpy.str_
        if self._ngram_sizes is None:
            return tokens
        return [" ".join(tokens[i:i + n]) for n in self._ngram_sizes for i in range(len(tokens) - n + 1)]

    # -- vocabulary ---------------------------------------------------------------------------
    def update_state(self, data):
        """Count the tokens of one batch of strings without changing the vocabulary `call` uses;
        `finalize_state()` then ranks them."""
        self._count(data, "update_state")

    def _count(self, data, method):
        if self._accumulated is None:
            self._accumulated = (Counter(), Counter(), 0)
        counts, document_counts, documents = self._accumulated
        token_lists = [self._tokens(t) for t in self._texts(data, method)]  # (errors name `method`)
        counts.update(chain.from_iterable(token_lists))
        if self.output_mode == "tf_idf":
            document_counts.update(chain.from_iterable(map(set, token_lists)))
            documents += len(token_lists)
        self._accumulated = (counts, document_counts, documents)

    def finalize_state(self):
        """Make the vocabulary (and tf_idf weights) from the counts accumulated by `update_state`;
        does nothing when no batch was accumulated."""
        if self._accumulated is None:
            return
        counts, document_counts, documents = self._accumulated
        counts = Counter(counts)
        for special in (MASK_TOKEN, OOV_TOKEN):
            counts.pop(special, None)
        limit = None if self.max_tokens is None else self.max_tokens - len(self._special_tokens())
        self._set_learned(ranked_tokens(counts, limit))
        if self.output_mode == "tf_idf":
            self._idf = inverse_document_frequency([document_counts[t] for t in self._vocabulary], documents)
            self._oov_idf = float(self._idf.mean()) if self._idf.size else 0.0

    def reset_state(self):
        """Forget the counts accumulated so far and mark the layer not adapted; the vocabulary stays
        until the next `finalize_state()` / `adapt()` (as in tf-keras)."""
        self._accumulated = None
        self._is_adapted = False

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and, in tf_idf mode, the idf weights) from `data`: strings, or an
        iterable of batches of strings. Same as `reset_state()`, `update_state(batch)` for every batch,
        then `finalize_state()`; replaces any previous vocabulary."""
        batches = [data] if isinstance(data, (str, bytes, np.ndarray)) or (
            isinstance(data, (list, tuple)) and (not data or isinstance(data[0], (str, bytes)))) else data
        self.reset_state()
        self._accumulated = (Counter(), Counter(), 0)
        for step, batch in enumerate(batches):
            if steps is not None and step >= steps:
                break
            self._count(batch, "adapt")
        self.finalize_state()
        self._is_adapted = True

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use a given vocabulary (a list of tokens or a file with one token per line); the special
        tokens may lead it in Keras' order and are otherwise added."""
        if isinstance(vocabulary, str):
            vocabulary = read_vocabulary_file(vocabulary, self.encoding, f"TextVectorization {self.name!r}")
        tokens = [t.decode(self.encoding) if isinstance(t, bytes) else t for t in np.asarray(vocabulary, dtype=object).ravel().tolist()]
        special = self._special_tokens()
        had_special = tokens[: len(special)] == special
        if had_special:
            tokens = tokens[len(special):]
        for token in tokens:
            if not isinstance(token, str):
                raise TypeError(f"TextVectorization: vocabulary entries must be strings, found {token!r}")
        duplicates = repeated_tokens(tokens)
        if duplicates:
            raise ValueError(f"TextVectorization: the vocabulary has repeated tokens {duplicates[:5]}")
        if self.max_tokens is not None and len(tokens) + len(special) > self.max_tokens:
            raise ValueError(
                f"TextVectorization: a vocabulary of {len(tokens) + len(special)} tokens (special tokens "
                f"included) exceeds max_tokens={self.max_tokens}")
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("TextVectorization: output_mode='tf_idf' needs `idf_weights` with the vocabulary")
            weights = np.asarray(idf_weights, dtype=np.float64).ravel()
            if had_special and len(weights) == len(tokens) + len(special):
                weights = weights[len(special):]
            if len(weights) != len(tokens):
                raise ValueError(f"TextVectorization: {len(weights)} idf_weights for {len(tokens)} vocabulary tokens")
            self._idf = weights
            self._oov_idf = float(weights.mean()) if weights.size else 0.0
        elif idf_weights is not None:
            raise ValueError(f"TextVectorization: `idf_weights` only apply to output_mode='tf_idf', not {self.output_mode!r}")
        self._set_learned(tokens)

    def _set_learned(self, tokens):
        self._vocabulary = list(tokens)
        offset = len(self._special_tokens())
        self._index = {token: i + offset for i, token in enumerate(self._vocabulary)}

    def get_vocabulary(self, include_special_tokens=True):
        return (self._special_tokens() if include_special_tokens else []) + as_numpy_tokens(self._vocabulary)

    def vocabulary_size(self):
        return len(self._special_tokens()) + len(self._vocabulary)

    def _width(self):
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        if not self._vocabulary and self._config_vocabulary_size is not None:
            return self._config_vocabulary_size  # a Keras file's layer, before its assets are read
        return self.vocabulary_size()

    # -- strings -> tensor --------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if is_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        outputs = self.call(inputs)
        context = CALL_CONTEXT
        if context.depth == 0 and not context.training and not context.raw:
            return wrap_eager_output(outputs)  # user code gets the tensor type every other layer hands it
        return outputs

    def call(self, inputs):
        # One string (`dataset.map(vectorizer)` before batching) gives one row without a batch axis.
        single = isinstance(inputs, (str, bytes)) or getattr(inputs, "ndim", None) == 0
        texts = self._texts(inputs, "call")
        oov = 1 if self.output_mode == "int" else 0
        get = self._index.get
        indices = [[get(token, oov) for token in self._tokens(text)] for text in texts]
        matrix = self._int_matrix(indices) if self.output_mode == "int" else self._bag_matrix(indices)
        if single:
            matrix = matrix[0]
        # Tokenizing is host work; the result joins the model's weights (on the GPU when there is one).
        return torch.from_numpy(matrix).to(backend_config.device())

    def _int_matrix(self, indices):
        lengths = np.fromiter(map(len, indices), dtype=np.int64, count=len(indices))
        width = self.output_sequence_length
        if width is None:
            width = int(lengths.max()) if lengths.size else 0
        kept = np.minimum(lengths, width)
        result = np.zeros((len(indices), width), dtype=np.int64)
        flat = np.fromiter(chain.from_iterable(row[:width] for row in indices), dtype=np.int64, count=int(kept.sum()))
        rows = np.repeat(np.arange(len(indices)), kept)
        columns = np.arange(flat.size) - np.repeat(np.cumsum(kept) - kept, kept)
        result[rows, columns] = flat
        return result

    def _bag_matrix(self, indices):
        width = self._width()
        lengths = np.fromiter(map(len, indices), dtype=np.int64, count=len(indices))
        flat = np.fromiter(chain.from_iterable(indices), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(indices)), lengths)
        counts = np.bincount(rows * width + flat, minlength=len(indices) * width).reshape(len(indices), width)
        if self.output_mode == "multi_hot":
            return (counts > 0).astype(np.float32)
        if self.output_mode == "count":
            return counts.astype(np.float32)
        idf = np.zeros(width, dtype=np.float64)
        idf[0] = self._oov_idf
        if self._idf is not None:
            idf[1:1 + len(self._idf)] = self._idf[: width - 1]
        return (counts * idf).astype(np.float32)

    def _output_dtype(self, input_dtype):
        if self.output_mode == "int":
            return "int64"
        return self.dtype if self.dtype in ("float16", "bfloat16", "float32", "float64") else backend_config.floatx()

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (input_shape[0], self.output_sequence_length)
        return (input_shape[0], self._width())

    # -- configuration ------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "max_tokens": self.max_tokens,
            "standardize": self.standardize if not callable(self.standardize) else None,
            "split": self.split if not callable(self.split) else None,
            "ngrams": self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "sparse": False,  # True is refused: sparse and ragged outputs need TensorFlow
            "ragged": False,
            "vocabulary": list(self._vocabulary) if self._vocabulary else None,
            "idf_weights": self._idf.tolist() if self._idf is not None and self._vocabulary else None,
            "encoding": self.encoding,
            # Keras writes the size with the special tokens; a Keras file's layer knows it before its assets.
            "vocabulary_size": (self.vocabulary_size() if self._vocabulary or self._config_vocabulary_size is None
                                else self._config_vocabulary_size),
        })
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**{k: v for k, v in config.items() if k != "trainable"})

    # -- Keras assets (`.keras` archives) -------------------------------------------------------
    # Keras' TextVectorization delegates its state to an inner StringLookup (attribute `_lookup_layer`,
    # mask token ''): the vocabulary file and the tf_idf `idf_weights` variable are written once at the
    # layer's own path and again below `_lookup_layer`, which Keras' saver also visits. The format is
    # StringLookup's (see `IndexLookup._asset_files`).
    _KERAS_STATE_PATHS = ("", "_lookup_layer")

    def _keras_idf_weights(self):
        """Keras' `idf_weights`: the OOV weight, then one per token, zero-padded to `max_tokens` with
        pad_to_max_tokens."""
        if self.output_mode != "tf_idf" or self._idf is None:
            return None
        weights = np.concatenate([[self._oov_idf], np.asarray(self._idf, dtype=np.float64)])
        if self.pad_to_max_tokens and self.max_tokens is not None and weights.size < self.max_tokens:
            weights = np.concatenate([weights, np.zeros(self.max_tokens - weights.size)])
        return weights.astype(np.float32)

    def _needs_keras_assets(self):
        return (not self._vocabulary_in_config and self._config_vocabulary_size is not None
                and self._config_vocabulary_size > len(self._special_tokens()))

    def _load_asset_files(self, files, idf_weights=None):
        """Take the vocabulary (and idf weights) from a saved file's assets, as Keras' `load_assets`
        does; raises ValueError/TypeError when they do not fit the layer."""
        if self._vocabulary_in_config:
            return
        values = self._asset_vocabulary(files)
        special = self._special_tokens()
        has_special = values[:len(special)] == special
        learned = values[len(special):] if has_special else values
        if not learned:  # saved before any adapt(): only the special tokens
            self._set_learned([])
            self._idf, self._oov_idf = None, 0.0
        elif self.output_mode == "tf_idf":
            weights = self._asset_idf_weights(idf_weights, len(values))
            self.set_vocabulary(values, idf_weights=weights)
            if has_special:
                self._oov_idf = float(weights[0])  # Keras' stored OOV weight, not a recomputed mean
        else:
            self.set_vocabulary(values)
        self._check_asset_size()
