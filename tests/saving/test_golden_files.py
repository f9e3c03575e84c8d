"""Files written by real Keras (tests/fixtures/make_golden.py) load in tkeras to the same function,
and files tkeras writes have the golden files' structure (which real Keras was seen to read:
tests/fixtures/real_keras_reads_tkeras.json, made by check_in_real_keras.py)."""
import io
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import load_model

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
SEED_LAYERS = ("Embedding", "Conv1D", "MaxPooling1D", "Bidirectional", "LSTM")
RNN_LAYERS = ("Embedding", "SimpleRNN", "GRU")


def _needs(*names):
    missing = [n for n in names if not hasattr(keras.layers, n)]
    return pytest.mark.skipif(bool(missing), reason=f"layers not in tkeras yet: {missing}")


def _io(name):
    record = json.loads((FIXTURES / f"{name}_io.json").read_text())
    return np.array(record["x"], dtype=record["x_dtype"]), np.array(record["y"], dtype="float32")


@pytest.mark.parametrize("filename,io_name", [
    ("k3_mlp.keras", "mlp"), ("k3_mlp.h5", "mlp"), ("tfk2_mlp.h5", "tfk2_mlp"), ("keras1_mlp.h5", "keras1_mlp"),
])
def test_real_keras_mlp_files_predict_the_same(filename, io_name):
    x, y = _io(io_name)
    model = load_model(FIXTURES / filename, compile=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


@_needs(*SEED_LAYERS)
@pytest.mark.parametrize("filename,io_name", [("k3_seed002.keras", "seed002"), ("tfk2_seed002.h5", "tfk2_seed002")])
def test_real_keras_seed002_files_predict_the_same(filename, io_name):
    x, y = _io(io_name)
    model = load_model(FIXTURES / filename, compile=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


@_needs(*RNN_LAYERS)
def test_real_keras_rnn_file_predicts_the_same():
    x, y = _io("rnn")
    model = load_model(FIXTURES / "k3_rnn.keras", compile=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


@_needs("Conv2D", "BatchNormalization", "MaxPooling2D")
@pytest.mark.parametrize("filename", ["k3_cnn.keras", "k3_cnn.h5"])
def test_real_keras_cnn_with_batchnorm_predicts_the_same(filename):
    x, y = _io("cnn")
    model = load_model(FIXTURES / filename, compile=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


def test_keras3_weights_file_loads_into_a_tkeras_model():
    x, y = _io("mlp")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dropout(0.1), keras.layers.Dense(2, activation="softmax")])
    model.load_weights(FIXTURES / "k3_mlp.weights.h5")
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-5)


def test_real_keras_read_every_file_tkeras_wrote():
    record = json.loads((FIXTURES / "real_keras_reads_tkeras.json").read_text())
    assert record["results"], "the record is empty: re-run tests/fixtures/check_in_real_keras.py"
    for key, result in record["results"].items():
        assert result["loaded"], f"{key}: {result.get('error')}"
        assert result["max_abs_diff"] < 1e-5, key


# -- structure: what tkeras writes has the shape of what Keras writes ------------------------------
def _mlp():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                             keras.layers.Dropout(0.1), keras.layers.Dense(2, activation="softmax")])


def _seed002():
    L = keras.layers
    return keras.Sequential([keras.Input((12,), dtype="int32"), L.Embedding(20, 6),
                             L.Conv1D(4, 3, activation="relu"), L.MaxPooling1D(2),
                             L.Bidirectional(L.LSTM(3, return_sequences=True)), L.Bidirectional(L.LSTM(2)),
                             L.Dense(1, activation="sigmoid")])


def _h5_layout(h5, skip_prefix=None):
    items = {}
    h5.visititems(lambda name, obj: items.__setitem__(
        name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else "group"))
    return {k: v for k, v in items.items() if not (skip_prefix and k.startswith(skip_prefix))}


def _zip_parts(path):
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        config = json.loads(archive.read("config.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        return names, config, archive.infolist(), weights


def _config_keys(config):
    return {"top": sorted(k for k in config if k != "compile_config"),
            "layers": [(entry["class_name"], entry.get("module")) for entry in config["config"]["layers"]]}


@pytest.mark.parametrize("builder,golden", [
    (_mlp, "k3_mlp.keras"),
    pytest.param(_seed002, "k3_seed002.keras", marks=_needs(*SEED_LAYERS)),
])
def test_keras_zip_structure_matches_keras3(builder, golden, tmp_path):
    path = tmp_path / "model.keras"
    builder().save(path)
    ours_names, ours_config, ours_infos, ours_h5 = _zip_parts(path)
    gold_names, gold_config, _, gold_h5 = _zip_parts(FIXTURES / golden)
    assert ours_names == gold_names
    assert all(info.compress_type == zipfile.ZIP_STORED for info in ours_infos)
    assert _config_keys(ours_config) == _config_keys(gold_config)
    # same h5 paths and shapes for the model's weights (the golden file also holds its optimizer's)
    assert _h5_layout(ours_h5) == _h5_layout(gold_h5, skip_prefix="optimizer")


@pytest.mark.parametrize("builder,golden", [
    (_mlp, "tfk2_mlp.h5"),
    pytest.param(_seed002, "tfk2_seed002.h5", marks=_needs(*SEED_LAYERS)),
])
def test_h5_structure_matches_tf_keras2(builder, golden, tmp_path):
    path = tmp_path / "model.h5"
    builder().save(path, include_optimizer=False)
    with h5py.File(path, "r") as ours, h5py.File(FIXTURES / golden, "r") as gold:
        assert sorted(ours.attrs) == sorted(k for k in gold.attrs if k != "training_config")
        ours_group, gold_group = ours["model_weights"], gold["model_weights"]
        ours_layers = list(ours_group.attrs["layer_names"])
        gold_layers = list(gold_group.attrs["layer_names"])
        assert len(ours_layers) == len(gold_layers)
        for mine, theirs in zip(ours_layers, gold_layers):
            mine_names = [n.decode() for n in ours_group[mine].attrs["weight_names"]]
            their_names = [n.decode() if isinstance(n, bytes) else n for n in gold_group[theirs].attrs["weight_names"]]
            assert [ours_group[mine][n].shape for n in mine_names] == [gold_group[theirs][n].shape for n in their_names]
            assert len(mine_names) == len(their_names)
            assert [n.rsplit("/", 1)[-1] for n in mine_names] == [n.rsplit("/", 1)[-1] for n in their_names]
        config = json.loads(ours.attrs["model_config"])
        gold_config = json.loads(gold.attrs["model_config"])
        assert [e["class_name"] for e in config["config"]["layers"]] == \
               [e["class_name"] for e in gold_config["config"]["layers"]]
        # tf-keras 2 refuses the keys only Keras 3 writes ("Keyword argument not understood")
        from tkeras.saving.config_compat import KERAS3_ONLY_DEFAULTS
        assert (_keys_anywhere(config) - _keys_anywhere(gold_config)) & set(KERAS3_ONLY_DEFAULTS) == set()


def _keys_anywhere(node):
    if isinstance(node, dict):
        return set(node).union(*(_keys_anywhere(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys_anywhere(v) for v in node))
    return set()


@pytest.mark.skipif(not hasattr(keras.optimizers, "get"), reason="tkeras.optimizers has not landed yet")
@pytest.mark.parametrize("filename", ["k3_mlp.keras", "k3_mlp.h5"])
def test_real_keras_optimizer_state_is_restored(filename):
    model = load_model(FIXTURES / filename)  # compiled as saved: Adam, categorical crossentropy
    assert type(model.optimizer).__name__ == "Adam"
    assert int(np.asarray(model.optimizer.iterations)) == 4  # 2 epochs of 2 batches in make_golden.py
    if filename.endswith(".keras"):
        with zipfile.ZipFile(FIXTURES / filename) as archive:
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
                saved = [np.asarray(h5[f"optimizer/vars/{i}"]) for i in range(len(h5["optimizer/vars"]))]
        slots = [np.asarray(v.detach().cpu() if hasattr(v, "detach") else v)
                 for v in model.optimizer.variables][-8:]
        for got, want in zip(slots, saved[-8:]):  # first kernel's momentum ... last bias's velocity
            np.testing.assert_allclose(got, want, rtol=1e-6)
