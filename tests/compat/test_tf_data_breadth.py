"""tf.data breadth: the less common Dataset methods and tf.data.experimental, replayed against what real
TensorFlow 2.21 gave for the same cases (tests/fixtures/make_tf_data_breadth_reference.py records it)."""
import json
import os
import pathlib
import sys

import numpy as np
import pytest
import torch

import tkeras.compat.tf_namespace as tf
from tkeras.data import Dataset

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from tf_data_breadth_cases import CASES, CSV_TEXT, ERROR_CASES, SPEC_CASES, plain  # noqa: E402

REFERENCE = json.loads((FIXTURES / "tf_data_breadth_reference.json").read_text())


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text(CSV_TEXT)
    return str(path)


def _same(ours, theirs, where="element"):
    if isinstance(theirs, dict) and "value" in theirs:
        assert ours["dtype"] == theirs["dtype"], where
        np.testing.assert_allclose(np.asarray(ours["value"], dtype=np.float64),
                                   np.asarray(theirs["value"], dtype=np.float64), rtol=1e-6, err_msg=where)
        assert np.asarray(ours["value"]).shape == np.asarray(theirs["value"]).shape, where
    elif isinstance(theirs, dict) and "text" in theirs:
        assert ours == theirs, where
    elif isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), where
        for key in theirs:
            _same(ours[key], theirs[key], f"{where}[{key}]")
    else:
        assert isinstance(ours, list) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, f"{where}[{i}]")


@pytest.mark.parametrize("name", sorted(CASES))
def test_elements_match_tensorflow(name, csv_path):
    ours = [plain(e) for e in CASES[name](tf, csv_path).as_numpy_iterator()]
    _same(ours, REFERENCE["cases"][name], name)


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_match_tensorflow(name, csv_path):
    expected = REFERENCE["errors"][name]
    with pytest.raises(Exception) as caught:
        ERROR_CASES[name](tf, csv_path)
    assert type(caught.value).__name__ == expected["type"] or (
        expected["type"] == "InternalError" and type(caught.value).__name__ == "InvalidArgumentError")
    message = getattr(caught.value, "message", str(caught.value))
    core = expected["message"].split("}} ")[-1].split(" [Op:")[0]
    if "assertion failed: [" in core:
        core = core.split("assertion failed: [")[1].split("]")[0]
    assert core in message


def _spec_plain(spec):
    if isinstance(spec, dict):
        return {k: _spec_plain(v) for k, v in spec.items()}
    if isinstance(spec, tuple):
        return [_spec_plain(v) for v in spec]
    dtype = "string" if spec.dtype == "string" else str(spec.dtype).replace("torch.", "")
    return {"shape": list(spec.shape), "dtype": dtype}


@pytest.mark.parametrize("name", sorted(SPEC_CASES))
def test_element_spec_matches_tensorflow(name):
    spec = SPEC_CASES[name](tf)
    assert _spec_plain(spec) == REFERENCE["specs"][name]
    leaf = spec if not isinstance(spec, (tuple, dict)) else None
    if leaf is not None:
        assert isinstance(leaf, tf.TensorSpec)


def test_save_load_round_trip_and_format(tmp_path):
    ds = Dataset.from_tensor_slices(({"x": np.arange(6, dtype=np.float32).reshape(3, 2)}, ["a", "b", "c"]))
    ds.save(str(tmp_path / "saved"))
    files = sorted(os.listdir(tmp_path / "saved"))
    assert "tkeras_dataset.json" in files and all(f.endswith((".npy", ".json")) for f in files)
    back = list(Dataset.load(str(tmp_path / "saved")).as_numpy_iterator())
    assert [b[0]["x"].tolist() for b in back] == [[0, 1], [2, 3], [4, 5]]
    assert [b[1].decode() for b in back] == ["a", "b", "c"]  # bytes, as TensorFlow gives
    ragged = Dataset.range(4).map(lambda x: tf.fill([x], x))
    tf.data.experimental.save(ragged, str(tmp_path / "ragged"))
    assert [e.tolist() for e in tf.data.experimental.load(str(tmp_path / "ragged")).as_numpy_iterator()] == [
        [], [1], [2, 2], [3, 3, 3]]
    (tmp_path / "tf_written").mkdir()
    (tmp_path / "tf_written" / "dataset_spec.pb").write_bytes(b"")
    with pytest.raises(ValueError, match="written by TensorFlow"):
        Dataset.load(str(tmp_path / "tf_written"))


def test_random_and_counter_and_options():
    first = [int(v) for v in Dataset.random(seed=7).take(5)]
    assert first == [int(v) for v in Dataset.random(seed=7).take(5)]
    assert first != [int(v) for v in Dataset.random(seed=8).take(5)]
    assert all(0 <= v < 2 ** 32 for v in first)
    assert int(Dataset.counter().cardinality()) == tf.data.INFINITE_CARDINALITY
    options = tf.data.Options()
    options.threading.private_threadpool_size = 4
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    ds = Dataset.range(3).with_options(options)
    assert ds.options().threading.private_threadpool_size == 4
    assert isinstance(Dataset.range(2).options(), tf.data.Options)
    assert tf.data.experimental.ThreadingOptions is tf.data.ThreadingOptions


def test_get_single_element_and_ignore_errors_in_python_map():
    assert int(Dataset.from_tensors(torch.tensor(5)).get_single_element()) == 5
    assert int(tf.data.experimental.get_single_element(Dataset.range(1))) == 0
    ds = Dataset.range(5).map(lambda x: 10 // int(x - 2))
    with pytest.raises(ZeroDivisionError):
        list(ds)
    assert [int(v) for v in ds.ignore_errors()] == [-5, -10, 10, 5]


def test_rejection_resample_moves_towards_the_target():
    labels = Dataset.from_tensor_slices(np.array([0] * 900 + [1] * 100, np.int32))
    resampled = labels.rejection_resample(lambda x: x, target_dist=[0.5, 0.5], initial_dist=[0.9, 0.1], seed=1)
    kept = [int(c) for c, _ in resampled.as_numpy_iterator()]
    assert kept.count(1) == 100 and 60 < kept.count(0) < 160


def test_make_csv_dataset_repeats_and_drops_remainder_without_num_epochs(csv_path):
    ds = tf.data.experimental.make_csv_dataset(csv_path, batch_size=2, label_name="survived", shuffle=False)
    batches = list(ds.take(4).as_numpy_iterator())
    assert [b[1].tolist() for b in batches] == [[0, 1], [1, 1], [0, 0], [1, 1]]
    assert int(ds.cardinality()) == tf.data.INFINITE_CARDINALITY
