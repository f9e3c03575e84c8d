"""IMDB movie reviews (Maas et al., 2011): 25,000 training and 25,000 test reviews, labelled
1 = positive, 0 = negative, each review a list of word indices.

Same results as `keras.datasets.imdb` for the same arguments: the same seed-113 shuffle, the same
index shift, the same out-of-vocabulary and maxlen rules, so published examples and notebooks line
up index for index.
"""
import numpy as np

from tkeras.datasets._locate import dataset_file, load_json_file, pop_keras1_num_words
from tkeras.datasets._npz import load_npz
from tkeras.datasets._word_ranks import object_array, paused_garbage_collector, ranks_to_indices, shuffled

_NPZ_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`: x are 1-D object arrays of index lists.

    Index 0 is never used (padding), `start_char` starts each review, `oov_char` replaces words
    ranked at or beyond `num_words` (or below `skip_top`); word of rank r gets index r + index_from.
    `maxlen` drops reviews whose length (start_char included) is not below it.
    """
    num_words = pop_keras1_num_words(kwargs, num_words, "imdb.load_data")
    with paused_garbage_collector():
        return _load(path, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)


def _load(path, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from):
    arrays = load_npz(dataset_file(path, "imdb.npz", _NPZ_SHA256), ("x_train", "y_train", "x_test", "y_test"))
    rng = np.random.RandomState(seed)
    x_train, y_train = shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = shuffled(rng, arrays["x_test"], arrays["y_test"])

    sequences, labels, kept = ranks_to_indices(
        np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test]),
        num_words, skip_top, maxlen, start_char, oov_char, index_from)
    train_count = int(kept[:len(x_train)].sum())
    if maxlen and (train_count == 0 or train_count == len(sequences)):
        raise ValueError(
            f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept "
            f"in the {'training' if train_count == 0 else 'test'} set. Increase maxlen.")
    return ((object_array(sequences[:train_count]), labels[:train_count]),
            (object_array(sequences[train_count:]), labels[train_count:]))


def get_word_index(path="imdb_word_index.json"):
    """`{word: rank}` (rank 1 = most frequent). Add `index_from` (3) to match `load_data`'s indices."""
    return load_json_file(dataset_file(path, "imdb_word_index.json", _WORD_INDEX_MD5))
