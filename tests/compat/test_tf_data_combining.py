"""Datasets made of datasets: `window` / `flat_map` (TensorFlow's timeseries windowing idiom),
`interleave`, `TextLineDataset`, `zip(a, b)`, `choose_from_datasets`, `sample_from_datasets`, `shard`;
the expected orders are TensorFlow 2.21's for the same calls."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

Dataset = tf.data.Dataset


def windows(dataset):
    return [[int(v) for v in w.as_numpy_iterator()] for w in dataset]


def test_windows_start_every_shift_and_keep_the_short_tail_unless_dropped():
    assert windows(Dataset.range(7).window(3, shift=2)) == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    assert windows(Dataset.range(7).window(3, shift=2, drop_remainder=True)) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert windows(Dataset.range(10).window(2, shift=4, stride=3)) == [[0, 3], [4, 7], [8]]
    assert windows(Dataset.range(10).window(3, shift=5)) == [[0, 1, 2], [5, 6, 7]]
    assert windows(Dataset.range(5).window(2)) == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match=r"Dataset.window: size, shift and stride must be positive"):
        Dataset.range(5).window(0)


def test_flat_map_over_windows_gives_supervised_pairs():
    series = np.arange(10, dtype="float32")
    ds = (Dataset.from_tensor_slices(series).window(4, shift=1, drop_remainder=True)
          .flat_map(lambda w: w.batch(4)).map(lambda w: (w[:-1], w[-1])).batch(3))
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x.numpy(), [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y.numpy(), [3, 4, 5])
    assert sum(int(b[1].shape[0]) for b in ds) == 7
    pairs = Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 10)).window(2)
    first_x, first_y = next(iter(pairs))  # a tuple element gives a tuple of datasets
    assert [int(v) for v in first_y.as_numpy_iterator()] == [0, 10]
    with pytest.raises(TypeError, match=r"Dataset.flat_map: `map_func` must return a Dataset, it returned"):
        list(Dataset.range(3).flat_map(lambda v: v))


def test_zip_takes_datasets_as_separate_arguments_too():
    a, b = Dataset.range(3), Dataset.range(10, 13)
    assert [tuple(int(v) for v in e) for e in Dataset.zip(a, b)] == [(0, 10), (1, 11), (2, 12)]
    assert [tuple(int(v) for v in e) for e in Dataset.zip((a, b))] == [(0, 10), (1, 11), (2, 12)]


def test_interleave_takes_blocks_in_turn_and_refills_finished_slots():
    ds = Dataset.range(1, 6)
    repeated = ds.interleave(lambda x: Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=2)
    assert [int(v) for v in repeated] == [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5, 5]
    one_each = ds.interleave(lambda x: Dataset.from_tensors(x).repeat(x), cycle_length=3, block_length=1)
    assert [int(v) for v in one_each] == [1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 4, 5, 5, 5]
    ranges = ds.interleave(lambda x: Dataset.range(int(x) * 10, int(x) * 10 + 3), cycle_length=2)
    assert [int(v) for v in ranges] == [10, 20, 11, 21, 12, 22, 30, 40, 31, 41, 32, 42, 50, 51, 52]
    uneven = ds.interleave(lambda x: Dataset.range(int(x) * 10, int(x) * 10 + int(x) % 3), cycle_length=2,
                           block_length=2)  # lengths 1, 2, 0, 1, 2
    assert [int(v) for v in uneven] == [10, 20, 21, 40, 50, 51]
    with pytest.raises(TypeError, match=r"Dataset.interleave: `map_func` must return a Dataset"):
        list(ds.interleave(lambda x: x, cycle_length=1))


def test_text_line_datasets_read_files_line_by_line(tmp_path):
    import gzip
    (tmp_path / "a.txt").write_text("first line\nsecond, with comma\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("zipped \u00e9\nlast without newline")
    lines = [str(v) for v in tf.data.TextLineDataset(str(tmp_path / "a.txt"))]
    assert lines == ["first line", "second, with comma"]
    zipped = [str(v) for v in tf.data.TextLineDataset([str(tmp_path / "b.txt.gz")], compression_type="GZIP")]
    assert zipped == ["zipped \u00e9", "last without newline"]
    files = Dataset.list_files(str(tmp_path / "a.txt"))
    batch = next(iter(files.interleave(tf.data.TextLineDataset, cycle_length=1).batch(2)))
    assert list(batch) == ["first line", "second, with comma"]
    with pytest.raises(ValueError, match=r"TextLineDataset: compression_type must be None, '' or 'GZIP'"):
        tf.data.TextLineDataset("x.txt", compression_type="ZLIB")


def test_choose_from_and_sample_from_datasets_and_shard():
    a, b = Dataset.range(0, 3), Dataset.range(10, 15)
    choices = Dataset.from_tensor_slices(np.array([0, 1, 1, 0, 0, 0, 1]))
    assert [int(v) for v in Dataset.choose_from_datasets([a, b], choices)] == [0, 10, 11, 1, 2]  # TF 2.21's
    assert [int(v) for v in Dataset.choose_from_datasets([a, b], choices, stop_on_empty_dataset=False)] == [
        0, 10, 11, 1, 2, 12]
    assert [int(v) for v in Dataset.range(10).shard(3, 1)] == [1, 4, 7] and len(Dataset.range(10).shard(3, 1)) == 3
    drawn = [int(v) for v in Dataset.sample_from_datasets([a.repeat(), b.repeat()], weights=[0.9, 0.1],
                                                         seed=1).take(2000)]
    share = np.mean([v >= 10 for v in drawn])
    assert 0.07 < share < 0.13  # 2000 draws with p = 0.1: ±0.02 is 3 standard deviations
    assert [v for v in drawn if v < 10][:6] == [0, 1, 2, 0, 1, 2]  # each source keeps its order
    everything = sorted(int(v) for v in Dataset.sample_from_datasets([a, b], seed=3))
    assert everything == [0, 1, 2, 10, 11, 12, 13, 14]  # an exhausted dataset drops out, the rest go on
    with pytest.raises(ValueError, match=r"sample_from_datasets: `weights` must be 2 non-negative numbers"):
        Dataset.sample_from_datasets([a, b], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match=r"Dataset.shard: index must be in \[0, num_shards\)"):
        Dataset.range(4).shard(2, 2)
