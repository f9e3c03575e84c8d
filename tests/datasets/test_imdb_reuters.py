"""imdb / reuters loaders: Keras' index rules checked against a plain-loop reference on generated
files, and the published first sequences checked on the real files."""
import json
import warnings

import numpy as np
import pytest

from tests.datasets.conftest import object_array
from tkeras.datasets import imdb, reuters

TRAIN = [[1, 2, 3], [4, 5, 6, 7, 8], [9], [2, 2, 10, 11], [12, 1]]
TEST = [[3, 13], [1, 1, 1, 1, 1, 1], [14, 2, 5]]


def write_imdb(folder, name="imdb.npz"):
    np.savez(folder / name, x_train=object_array(TRAIN), y_train=np.array([0, 1, 0, 1, 1]),
             x_test=object_array(TEST), y_test=np.array([1, 0, 1]))


def reference(sequences, labels, seed_rng, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    """Keras' rules written out as plain loops over a shuffled copy (the shuffle order from the rng)."""
    order = np.arange(len(sequences))
    seed_rng.shuffle(order)
    out, kept_labels = [], []
    for i in order:
        seq = ([start_char] if start_char is not None else []) + [w + index_from for w in sequences[i]]
        if maxlen and not len(seq) < maxlen:
            continue
        out.append(seq)
        kept_labels.append(labels[i])
    return out, kept_labels


def cap(all_sequences, num_words, skip_top, oov_char):
    if not num_words:
        num_words = max(max(s) for s in all_sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in all_sequences]
    return [[w for w in s if skip_top <= w < num_words] for s in all_sequences]


@pytest.mark.parametrize("options", [
    {}, {"num_words": 8}, {"num_words": 9, "skip_top": 5}, {"maxlen": 5},
    {"oov_char": None, "num_words": 10}, {"start_char": None, "index_from": 0}, {"seed": 7, "index_from": 1},
])
def test_imdb_matches_the_loop_reference(data_home, options):
    write_imdb(data_home)
    (x_train, y_train), (x_test, y_test) = imdb.load_data(**options)
    settings = dict(num_words=None, skip_top=0, maxlen=None, start_char=1, oov_char=2, index_from=3, seed=113)
    settings.update(options)
    rng = np.random.RandomState(settings.pop("seed"))
    common = {k: settings[k] for k in ("num_words", "skip_top", "maxlen", "start_char", "oov_char", "index_from")}
    train, train_labels = reference(TRAIN, [0, 1, 0, 1, 1], rng, **common)
    test, test_labels = reference(TEST, [1, 0, 1], rng, **common)
    capped = cap(train + test, settings["num_words"], settings["skip_top"], settings["oov_char"])
    assert x_train.dtype == object and x_train.ndim == 1
    assert list(x_train) == capped[:len(train)] and list(x_test) == capped[len(train):]
    assert y_train.tolist() == train_labels and y_test.tolist() == test_labels


def test_imdb_hand_worked_example(data_home):
    write_imdb(data_home)
    (x_train, _), (x_test, _) = imdb.load_data(num_words=8)
    # rank r -> r + 3 after start_char 1; indices >= 8 (ranks >= 5) become 2.
    assert sorted(map(tuple, x_train)) == sorted([(1, 4, 5, 6), (1, 7, 2, 2, 2, 2), (1, 2), (1, 5, 5, 2, 2), (1, 2, 4)])
    assert sorted(map(tuple, x_test)) == sorted([(1, 6, 2), (1, 4, 4, 4, 4, 4, 4), (1, 2, 5, 2)])


def test_equal_length_sequences_still_give_a_1d_object_array(data_home):
    np.savez(data_home / "imdb.npz", x_train=object_array([[1, 2], [3, 4]]), y_train=np.array([0, 1]),
             x_test=object_array([[5, 6]]), y_test=np.array([1]))
    (x_train, _), _ = imdb.load_data()
    assert x_train.shape == (2,) and isinstance(x_train[0], list)


def test_maxlen_that_keeps_nothing_is_an_error(data_home):
    write_imdb(data_home)
    with pytest.raises(ValueError, match="maxlen=2"):
        imdb.load_data(maxlen=2)


def test_keras1_nb_words_and_bad_num_words(data_home):
    write_imdb(data_home)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = imdb.load_data(nb_words=8)
    new = imdb.load_data(num_words=8)
    assert list(old[0][0]) == list(new[0][0])
    with pytest.raises(ValueError, match="num_words"):
        imdb.load_data(num_words=0)
    with pytest.raises(TypeError, match="bogus"):
        imdb.load_data(bogus=1)


def test_reuters_split_and_reference(data_home):
    stories = [[i % 7 + 1] * (i % 4 + 1) for i in range(20)]
    labels = np.arange(20) % 3
    np.savez(data_home / "reuters.npz", x=object_array(stories), y=labels)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=8, test_split=0.25)
    expected, expected_labels = reference(stories, labels.tolist(), np.random.RandomState(113),
                                          None, 0, None, 1, 2, 3)
    expected = cap(expected, 8, 0, 2)
    assert len(x_train) == 15 and len(x_test) == 5
    assert list(x_train) + list(x_test) == expected
    assert y_train.tolist() + y_test.tolist() == expected_labels


def test_word_index_and_label_names(data_home):
    (data_home / "imdb_word_index.json").write_text(json.dumps({"the": 1, "film": 2}))
    assert imdb.get_word_index() == {"the": 1, "film": 2}
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:5] == ("cocoa", "grain", "veg-oil", "earn", "acq") and names[-1] == "lead"


def test_explicit_path_is_used_first(tmp_path, data_home):
    write_imdb(tmp_path, name="my_imdb.npz")
    (x_train, _), _ = imdb.load_data(path=str(tmp_path / "my_imdb.npz"))
    assert len(x_train) == 5


# -- the real files -------------------------------------------------------------------------------
IMDB_FIRST_10000 = [
    1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468, 66, 3941, 4, 173, 36, 256, 5, 25, 100, 43,
    838, 112, 50, 670, 2, 9, 35, 480, 284, 5, 150, 4, 172, 112, 167, 2, 336, 385, 39, 4, 172, 4536,
    1111, 17, 546, 38, 13, 447, 4, 192, 50, 16, 6, 147, 2025, 19, 14, 22, 4, 1920, 4613, 469, 4, 22,
    71, 87, 12, 16, 43, 530, 38, 76, 15, 13, 1247, 4, 22, 17, 515, 17, 12, 16, 626, 18, 2, 5, 62, 386,
    12, 8, 316, 8, 106, 5, 4, 2223, 5244, 16, 480, 66, 3785, 33, 4, 130, 12, 16, 38, 619, 5, 25, 124,
    51, 36, 135, 48, 25, 1415, 33, 6, 22, 12, 215, 28, 77, 52, 5, 14, 407, 16, 82, 2, 8, 4, 107, 117,
    5952, 15, 256, 4, 2, 7, 3766, 5, 723, 36, 71, 43, 530, 476, 26, 400, 317, 46, 7, 4, 2, 1029, 13,
    104, 88, 4, 381, 15, 297, 98, 32, 2071, 56, 26, 141, 6, 194, 7486, 18, 4, 226, 22, 21, 134, 476,
    26, 480, 5, 144, 30, 5535, 18, 51, 36, 28, 224, 92, 25, 104, 4, 226, 65, 16, 38, 1334, 88, 12, 16,
    283, 5, 16, 4472, 113, 103, 32, 15, 16, 5345, 19, 178, 32]
REUTERS_FIRST_TAIL = [
    8, 43, 10, 447, 5, 25, 207, 270, 5, 3095, 111, 16, 369, 186, 90, 67, 7, 89, 5, 19, 102, 6, 19,
    124, 15, 90, 67, 84, 22, 482, 26, 7, 48, 4, 49, 8, 864, 39, 209, 154, 6, 151, 6, 83, 11, 15, 22,
    155, 11, 15, 7, 48, 9, 4579, 1005, 504, 6, 258, 6, 272, 11, 15, 22, 134, 44, 11, 15, 16, 8, 197,
    1245, 90, 67, 52, 29, 209, 30, 32, 132, 6, 109, 15, 17, 12]


def test_real_imdb(real_data):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
    assert (len(x_train), len(x_test)) == (25000, 25000)
    assert x_train[0] == IMDB_FIRST_10000 and len(x_train[0]) == 218 and len(x_train[1]) == 189
    assert y_train[:10].tolist() == [1, 0, 0, 1, 0, 0, 1, 0, 1, 0]
    assert max(max(s) for s in x_train) == 9999
    word_index = imdb.get_word_index()
    assert len(word_index) == 88584 and word_index["br"] == 7
    inverse = {rank + 3: word for word, rank in word_index.items()}
    assert " ".join(inverse[i] for i in x_train[0][1:6]) == "this film was just brilliant"


def test_real_reuters(real_data):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)
    assert (len(x_train), len(x_test)) == (8982, 2246)
    assert len(set(y_train.tolist()) | set(y_test.tolist())) == 46
    assert x_train[0] == [1, 2, 2] + REUTERS_FIRST_TAIL
    assert y_train[:3].tolist() == [3, 4, 3]
    # With the full vocabulary the two rare words keep their own indices.
    (full_train, _), _ = reuters.load_data()
    assert full_train[0] == [1, 27595, 28842] + REUTERS_FIRST_TAIL
    assert len(reuters.get_word_index()) == 30979
