"""pad_sequences, skipgrams, make_sampling_table and TimeseriesGenerator, with hand-computed results."""
import random

import numpy as np
import pytest

from tkeras.preprocessing.sequence import TimeseriesGenerator, make_sampling_table, pad_sequences, skipgrams

SEED_SEQUENCES = [[1, 2, 3], [3, 4, 5, 6], [7, 8]]


def test_seed_example_pre_pre():
    result = pad_sequences(SEED_SEQUENCES, maxlen=3)
    assert result.dtype == np.int32
    assert result.tolist() == [[1, 2, 3], [4, 5, 6], [0, 7, 8]]


@pytest.mark.parametrize("padding, truncating, expected", [
    ("post", "pre", [[1, 2, 3], [4, 5, 6], [7, 8, 0]]),
    ("pre", "post", [[1, 2, 3], [3, 4, 5], [0, 7, 8]]),
    ("post", "post", [[1, 2, 3], [3, 4, 5], [7, 8, 0]]),
])
def test_padding_and_truncating_sides(padding, truncating, expected):
    assert pad_sequences(SEED_SEQUENCES, maxlen=3, padding=padding, truncating=truncating).tolist() == expected


def test_maxlen_none_uses_the_longest_and_empty_rows_are_all_padding():
    result = pad_sequences([[1], [], [2, 3, 4]], value=9)
    assert result.tolist() == [[9, 9, 1], [9, 9, 9], [2, 3, 4]]


def test_no_sequences_and_zero_maxlen():
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_float_dtype_keeps_fractions_and_int_dtype_truncates_them():
    floats = pad_sequences([[0.5, 1.5], [2.25]], dtype="float32", value=-1.0)
    assert floats.dtype == np.float32
    assert floats.tolist() == [[0.5, 1.5], [-1.0, 2.25]]
    assert pad_sequences([[1.7, 2.2]], maxlen=3).tolist() == [[0, 1, 2]]


def test_string_and_object_dtypes():
    assert pad_sequences([["a", "b", "c"], ["d"]], maxlen=2, dtype=object, value="<pad>").tolist() == [
        ["b", "c"], ["<pad>", "d"]]
    text = pad_sequences([["ab"], ["c", "d"]], dtype="<U5", value="-", padding="post")
    assert text.dtype == np.dtype("<U5") and text.tolist() == [["ab", "-"], ["c", "d"]]


def test_numpy_object_array_and_2d_array_inputs():
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [5, 6, 7], [8]
    assert pad_sequences(ragged, maxlen=2).tolist() == [[6, 7], [0, 8]]
    dense = np.arange(6).reshape(2, 3)
    assert pad_sequences(dense, maxlen=2, truncating="post", dtype="int64").tolist() == [[0, 1], [3, 4]]
    assert pad_sequences(dense, maxlen=2).tolist() == [[1, 2], [4, 5]]
    assert pad_sequences(dense, maxlen=4, padding="post", value=-1).tolist() == [[0, 1, 2, -1], [3, 4, 5, -1]]
    assert pad_sequences([np.array([1, 2]), np.array([3])]).tolist() == [[1, 2], [0, 3]]


def test_multidimensional_steps():
    result = pad_sequences([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], maxlen=2)
    assert result.shape == (2, 2, 2)
    assert result.tolist() == [[[3, 4], [5, 6]], [[0, 0], [7, 8]]]


@pytest.mark.parametrize("longest, maxlen", [(30, 12), (120, 80)])  # short rows: flat scatter; long: per row
def test_fast_paths_agree_with_a_plain_loop_reference(longest, maxlen):
    rng = np.random.RandomState(0)
    sequences = [rng.randint(1, 100, size=rng.randint(0, longest)).tolist() for _ in range(200)]
    for padding in ("pre", "post"):
        for truncating in ("pre", "post"):
            expected = np.zeros((200, maxlen), dtype=np.int32)
            for row, seq in enumerate(sequences):
                kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
                if kept:
                    if padding == "pre":
                        expected[row, maxlen - len(kept):] = kept
                    else:
                        expected[row, :len(kept)] = kept
            got = pad_sequences(sequences, maxlen=maxlen, padding=padding, truncating=truncating)
            np.testing.assert_array_equal(got, expected)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"`padding`.*'pre' or 'post'.*'middle'"):
        pad_sequences(SEED_SEQUENCES, padding="middle")
    with pytest.raises(ValueError, match=r"`truncating`.*'end'"):
        pad_sequences(SEED_SEQUENCES, truncating="end")
    with pytest.raises(ValueError, match="`sequences`"):
        pad_sequences(5)
    with pytest.raises(ValueError, match=r"item 1 is int"):
        pad_sequences([[1, 2], 3])
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences(SEED_SEQUENCES, maxlen=-1)
    with pytest.raises(ValueError, match="dtype"):
        pad_sequences([["a"]], dtype="int32", value="x")
    with pytest.raises(ValueError, match="shape"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])
    with pytest.raises(ValueError, match="shape"):  # a nested row after scalar rows, long-row path
        pad_sequences([list(range(40)), [[1, 2]] * 40])


def test_make_sampling_table_formula():
    table = make_sampling_table(5, sampling_factor=0.01)
    rank = np.array([1, 1, 2, 3, 4], dtype=float)
    f = 0.01 * (rank * (np.log(rank) + 0.577) + 0.5 - 1 / (12 * rank))
    np.testing.assert_allclose(table, np.minimum(1.0, np.sqrt(f)))
    assert table.shape == (5,)


def test_skipgrams_positive_pairs_without_shuffle():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=5, window_size=1,
                                negative_samples=0, shuffle=False)
    # 0 is padding: it never pairs, and 2 and 3 are not neighbours of anything else.
    assert couples == [[1, 2], [2, 1]]
    assert labels == [1, 1]


def test_skipgrams_negatives_and_shuffle_keep_pairs_and_labels_aligned():
    random.seed(1)
    couples, labels = skipgrams([1, 2, 3, 4], vocabulary_size=10, window_size=1, negative_samples=1.0, seed=3)
    positives = {(1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3)}
    assert len(couples) == 12 and labels.count(1) == 6 and labels.count(0) == 6
    for pair, label in zip(couples, labels):
        if label == 1:
            assert tuple(pair) in positives
        else:
            assert 1 <= pair[1] < 10
    categorical = skipgrams([1, 2], 4, window_size=1, negative_samples=0, categorical=True, shuffle=False)
    assert categorical == ([[1, 2], [2, 1]], [[0, 1], [0, 1]])


def test_timeseries_generator_windows_and_targets():
    data = np.arange(20).reshape(10, 2)
    targets = np.arange(10) * 10
    generator = TimeseriesGenerator(data, targets, length=3, sampling_rate=1, stride=2, batch_size=2)
    # rows 3, 5 | 7, 9
    assert len(generator) == 2
    x, y = generator[0]
    np.testing.assert_array_equal(x, np.stack([data[0:3], data[2:5]]))
    np.testing.assert_array_equal(y, [30, 50])
    x, y = generator[1]
    np.testing.assert_array_equal(y, [70, 90])
    reversed_x, _ = TimeseriesGenerator(data, targets, length=3, batch_size=1, reverse=True)[0]
    np.testing.assert_array_equal(reversed_x[0], data[2::-1])
    sampled, _ = TimeseriesGenerator(data, targets, length=4, sampling_rate=2, batch_size=1)[0]
    np.testing.assert_array_equal(sampled[0], data[[0, 2]])


def test_timeseries_generator_errors():
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(np.zeros(5), np.zeros(4), length=2)
    with pytest.raises(ValueError, match="start_index"):
        TimeseriesGenerator(np.zeros(5), np.zeros(5), length=5)
    with pytest.raises(IndexError):
        TimeseriesGenerator(np.zeros(5), np.zeros(5), length=2)[3]
