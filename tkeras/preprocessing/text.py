"""Keras 2's word-level text utilities: `Tokenizer`, `text_to_word_sequence`, `one_hot`, `hashing_trick`.

Scripts written for Keras 2 save a fitted Tokenizer as JSON and rely on its exact vocabulary order
(by count, ties by first appearance), so everything here reproduces Keras 2's results index for index.
The work per text is pushed into C where Python allows it (`str.translate`, `str.split`,
`collections.Counter`, `map(dict.get, ...)`) because fitting on a corpus is a hot loop.

Pure Python and NumPy: importing this module does not import torch.
"""
import json
import warnings
from collections import Counter, OrderedDict, defaultdict
from hashlib import md5
from itertools import chain, repeat

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
MATRIX_MODES = ("binary", "count", "tfidf", "freq")

# str.translate tables are cheap to use but not to build; scripts call text_to_word_sequence once
# per text with the same filters, so the tables are kept.
_TRANSLATION_TABLES = {}


def _translation_table(filters, split):
    key = (filters, split)
    table = _TRANSLATION_TABLES.get(key)
    if table is None:
        table = str.maketrans({c: split for c in filters})
        if len(_TRANSLATION_TABLES) > 64:
            _TRANSLATION_TABLES.clear()
        _TRANSLATION_TABLES[key] = table
    return table


def _require_text(text, where, position=None):
    if not isinstance(text, str):
        at = "" if position is None else f" (item {position})"
        hint = " Decode bytes first, e.g. text.decode('utf-8')." if isinstance(text, bytes) else ""
        raise TypeError(f"{where}: expected a string{at}, received {type(text).__name__}: {text!r:.80}.{hint}")


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Split a text into words: optionally lowercase, turn every filter character into `split`,
    split, and drop the empty pieces. Non-ASCII letters (Hangul, accented words) are kept as they are.
    """
    _require_text(input_text, "text_to_word_sequence(input_text)")
    if not isinstance(split, str) or not split:
        raise ValueError(f"text_to_word_sequence: `split` must be a non-empty string, received {split!r}")
    if lower:
        input_text = input_text.lower()
    if filters:
        input_text = input_text.translate(_translation_table(filters, split))
    return list(filter(None, input_text.split(split)))


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                  analyzer=None):
    """Map each word to an index in [1, n) by hashing, so no vocabulary has to be kept.

    Index 0 is left free for padding. `hash_function='md5'` gives indices that are stable across
    Python processes; the default `hash` is salted per process for strings (PYTHONHASHSEED).
    """
    _check_positive_int(n, "n", "hashing_trick")
    if n < 2:
        raise ValueError(f"hashing_trick: `n` must be at least 2 (index 0 is reserved), received {n}")
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(word):
            return int(md5(word.encode()).hexdigest(), 16)
    elif not callable(hash_function):
        raise TypeError(f"hashing_trick: `hash_function` must be None, 'md5' or a callable, received {hash_function!r}")
    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def one_hot(input_text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Keras 2's `one_hot`: despite its name, the hashing trick with Python's `hash` (word -> int)."""
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


def _check_positive_int(value, name, where):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: `{name}` must be an integer, received {type(value).__name__}: {value!r}")
    if value < 1:
        raise ValueError(f"{where}: `{name}` must be >= 1, received {value}")


def _is_zero(value):
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value == 0


class Tokenizer:
    """Keras 2's vocabulary builder: words -> integer indices ranked by frequency.

    Index 0 is never assigned (it is the padding value of `pad_sequences`); with `oov_token` the
    out-of-vocabulary word takes index 1. `num_words` does not shrink the vocabulary that is built, it
    only caps the indices that the conversion methods emit (those below `num_words`), so the cap can
    be changed after fitting.
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:  # Keras 1 spelling
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                          stacklevel=2)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        if num_words is not None:
            # Keras caps indices only for a truthy `num_words`: 0 means "no cap", as None does
            if not _is_zero(num_words):
                _check_positive_int(num_words, "num_words", "Tokenizer")
            num_words = int(num_words)
        if analyzer is not None and not callable(analyzer):
            raise TypeError(f"Tokenizer: `analyzer` must be a callable (text -> list of tokens), received {analyzer!r}")
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    # -- turning one text into tokens, the way every method below sees it ------------------------
    def _tokens(self, text, where, position):
        if self.char_level or isinstance(text, list):
            # Pre-split input (or characters) is used as given, only lowercased.
            if isinstance(text, list):
                for token in text:
                    _require_text(token, where, position)
                return [t.lower() for t in text] if self.lower else text
            _require_text(text, where, position)
            return text.lower() if self.lower else text
        _require_text(text, where, position)
        if self.analyzer is not None:
            return self.analyzer(text)
        if self.lower:
            text = text.lower()
        if self.filters:
            text = text.translate(_translation_table(self.filters, self.split))
        return list(filter(None, text.split(self.split)))

    # -- fitting --------------------------------------------------------------------------------
    def fit_on_texts(self, texts):
        """Count words over `texts` (strings, or lists of tokens) and rebuild the vocabulary.

        Counts accumulate over calls; `word_index` is rebuilt from all counts so far.
        """
        _require_iterable(texts, "texts", "fit_on_texts")
        # Counter.update counts in C; texts are tokenized one at a time so that a large corpus is
        # never held as token lists all at once.
        counts, docs = Counter(), Counter()
        for position, text in enumerate(texts):
            tokens = self._tokens(text, "Tokenizer.fit_on_texts(texts)", position)
            counts.update(tokens)
            docs.update(set(tokens))
            self.document_count += 1
        word_counts = self.word_counts
        for word, count in counts.items():  # first-appearance order is kept for new words
            word_counts[word] = word_counts.get(word, 0) + count
        word_docs = self.word_docs
        for word, count in docs.items():
            word_docs[word] += count
        self._rebuild_index()

    def _rebuild_index(self):
        # sorted() is stable: words with equal counts keep their first-appearance order.
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in ranked)
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        index_docs = defaultdict(int)
        for word, count in self.word_docs.items():
            index_docs[self.word_index[word]] = count
        self.index_docs = index_docs

    def fit_on_sequences(self, sequences):
        """Record document frequencies of already-indexed sequences (needed only by tfidf mode)."""
        _require_iterable(sequences, "sequences", "fit_on_sequences")
        for sequence in sequences:
            _require_iterable(sequence, "sequences", "fit_on_sequences", item=True)
            self.document_count += 1
            for index in set(sequence):
                self.index_docs[index] += 1

    # -- texts <-> sequences --------------------------------------------------------------------
    def texts_to_sequences(self, texts):
        """Each text as a list of word indices; see `texts_to_sequences_generator`."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield one index list per text.

        Unknown words, and words whose index is >= `num_words`, are dropped, or become the
        `oov_token`'s index when there is one.
        """
        _require_iterable(texts, "texts", "texts_to_sequences")
        get = self.word_index.get
        limit = self.num_words
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for position, text in enumerate(texts):
            tokens = self._tokens(text, "Tokenizer.texts_to_sequences(texts)", position)
            if self.oov_token is not None:
                # With an OOV token every word yields an index; an unfitted OOV token yields None.
                indices = map(get, tokens, repeat(oov))
                if limit:
                    yield [oov if i is None or i >= limit else i for i in indices]
                else:
                    yield list(indices)
            elif limit:
                yield [i for i in map(get, tokens) if i is not None and i < limit]
            else:
                yield [i for i in map(get, tokens) if i is not None]

    def sequences_to_texts(self, sequences):
        """Each index list back to a space-joined string; see `sequences_to_texts_generator`."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield one string per sequence, with the same dropping/OOV rules as the forward direction."""
        _require_iterable(sequences, "sequences", "sequences_to_texts")
        limit = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        oov_word = self.index_word.get(oov_index) if oov_index is not None else None
        for sequence in sequences:
            _require_iterable(sequence, "sequences", "sequences_to_texts", item=True)
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is not None:
                    if limit and index >= limit:
                        if oov_index is not None:
                            words.append(oov_word)
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    words.append(oov_word)
            yield " ".join(words)

    # -- bag-of-words matrices ------------------------------------------------------------------
    def texts_to_matrix(self, texts, mode="binary"):
        """One row per text, one column per word index (see `sequences_to_matrix` for the modes)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A (len(sequences), num_words) float64 matrix: `binary` presence, `count`, `freq`
        (count / sequence length, out-of-range indices included in the length) or `tfidf`
        ((1 + log count) * log(1 + docs / (1 + docs containing the word))).
        """
        if mode not in MATRIX_MODES:
            raise ValueError(f"sequences_to_matrix: `mode` must be one of {MATRIX_MODES}, received {mode!r}")
        if not self.num_words:
            if not self.word_index:
                raise ValueError("Specify a dimension (`num_words` argument), or fit on some text data first.")
            width = len(self.word_index) + 1
        else:
            width = self.num_words
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        _require_iterable(sequences, "sequences", "sequences_to_matrix")
        sequences = list(sequences)
        for sequence in sequences:
            _require_iterable(sequence, "sequences", "sequences_to_matrix", item=True)
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        flat = np.fromiter(chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum()))
        if flat.size and flat.min() < 0:
            raise ValueError(f"sequences_to_matrix: word indices must be >= 0, found {int(flat.min())}")
        rows = np.repeat(np.arange(len(sequences)), lengths)
        inside = flat < width
        counts = np.bincount(rows[inside] * width + flat[inside],
                             minlength=len(sequences) * width).reshape(len(sequences), width)
        if mode == "count":
            return counts.astype(np.float64)
        if mode == "binary":
            return (counts > 0).astype(np.float64)
        if mode == "freq":
            return counts / np.maximum(lengths, 1)[:, None]
        docs = np.zeros(width, dtype=np.float64)
        for index, count in self.index_docs.items():
            if 0 <= index < width:
                docs[index] = count
        idf = np.log(1 + self.document_count / (1 + docs))
        matrix = np.zeros((len(sequences), width), dtype=np.float64)
        present = counts > 0
        matrix[present] = (1 + np.log(counts[present])) * np.broadcast_to(idf, counts.shape)[present]
        return matrix

    # -- serialization --------------------------------------------------------------------------
    def get_config(self):
        """Keras 2's layout: the dictionaries are stored as JSON strings inside the config."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """A JSON string that `tokenizer_from_json` (here or in Keras 2) turns back into a Tokenizer.
        `kwargs` go to `json.dumps` (e.g. `indent=2`, `ensure_ascii=False`).
        """
        return json.dumps({"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """Rebuild a Tokenizer saved by `Tokenizer.to_json` (tkeras or Keras 2)."""
    if not isinstance(json_string, (str, bytes, bytearray)):
        raise TypeError(f"tokenizer_from_json: expected a JSON string, received {type(json_string).__name__}")
    try:
        config = dict(json.loads(json_string).get("config"))
    except (ValueError, AttributeError, TypeError) as error:
        raise ValueError(f"tokenizer_from_json: not a Tokenizer JSON document ({error})") from None
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(word_counts)
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer


def _require_iterable(value, name, where, item=False):
    if isinstance(value, str) and item:
        raise TypeError(f"Tokenizer.{where}: each item of `{name}` must be a list of integers, received a string {value!r:.60}")
    try:
        iter(value)
    except TypeError:
        what = f"each item of `{name}`" if item else f"`{name}`"
        raise TypeError(
            f"Tokenizer.{where}: {what} must be iterable, received {type(value).__name__}: {value!r:.60}") from None
