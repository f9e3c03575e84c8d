"""Reuters-21578 newswires: 11,228 stories with one of 46 topics, each a list of word indices.

Same results as `keras.datasets.reuters` for the same arguments (seed-113 shuffle, index shift,
out-of-vocabulary and maxlen rules, the train/test cut), so published examples line up.
"""
import numpy as np

from tkeras.datasets._locate import dataset_file, load_json_file, pop_keras1_num_words
from tkeras.datasets._npz import load_npz
from tkeras.datasets._word_ranks import object_array, paused_garbage_collector, ranks_to_indices, shuffled

_NPZ_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"

# Label i is the topic of that name; the order is that of the topics' first appearance.
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi",
    "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc",
    "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`; the first `1 - test_split` of the shuffled (and
    maxlen-filtered) stories train. Index rules as in `imdb.load_data`.
    """
    num_words = pop_keras1_num_words(kwargs, num_words, "reuters.load_data")
    if not 0 <= test_split < 1:
        raise ValueError(f"reuters.load_data: `test_split` must be in [0, 1), received {test_split!r}")
    with paused_garbage_collector():
        return _load(path, num_words, skip_top, maxlen, test_split, seed, start_char, oov_char, index_from)


def _load(path, num_words, skip_top, maxlen, test_split, seed, start_char, oov_char, index_from):
    arrays = load_npz(dataset_file(path, "reuters.npz", _NPZ_SHA256), ("x", "y"))
    xs, labels = shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    sequences, labels, _ = ranks_to_indices(
        xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from)
    if not sequences:
        raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase maxlen.")
    cut = int(len(sequences) * (1 - test_split))
    return ((object_array(sequences[:cut]), np.array(labels[:cut])),
            (object_array(sequences[cut:]), np.array(labels[cut:])))


def get_word_index(path="reuters_word_index.json"):
    """`{word: rank}` (rank 1 = most frequent). Add `index_from` (3) to match `load_data`'s indices."""
    return load_json_file(dataset_file(path, "reuters_word_index.json", _WORD_INDEX_MD5))


def get_label_names():
    """The 46 topic names; `get_label_names()[y]` names label y."""
    return LABEL_NAMES
