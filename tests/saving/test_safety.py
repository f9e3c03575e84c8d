"""Safe by default: no file can make tkeras run code; bad files give clear errors naming the file."""
import json
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import CorruptFileError, SavingError, UnsafeLoadError, load_model
from tkeras.models import model_from_json


def _saved(tmp_path, name="m.keras"):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu")])
    model.save(tmp_path / name)
    return tmp_path / name, model


def _rewrite_config(path, edit):
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _add_lambda(config, function, **extra):
    config["config"]["layers"].append({"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                                       "config": {"name": "lambda", "function": function, **extra}})


KERAS3_LAMBDA = {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}
KERAS2_LAMBDA = ["4wEAAAAAAAAA", None, None]


@pytest.mark.parametrize("function,extra", [(KERAS3_LAMBDA, {}), (KERAS2_LAMBDA, {"function_type": "lambda"})])
def test_lambda_bytecode_is_refused_with_the_opt_in_named(tmp_path, function, extra):
    path, _ = _saved(tmp_path)
    _rewrite_config(path, lambda c: _add_lambda(c, function, **extra))
    with pytest.raises(UnsafeLoadError, match=r"m\.keras.*Lambda.*bytecode.*safe_mode=False"):
        load_model(path)


def test_a_file_cannot_switch_safe_mode_off(tmp_path):
    path, _ = _saved(tmp_path)

    def edit(config):
        _add_lambda(config, KERAS3_LAMBDA)
        config["safe_mode"] = False
        config["config"]["safe_mode"] = False
    _rewrite_config(path, edit)
    with pytest.raises(UnsafeLoadError):
        load_model(path)
    with pytest.raises(UnsafeLoadError):
        load_model(path, safe_mode=None)


def test_functions_outside_the_registry_are_refused(tmp_path):
    path, _ = _saved(tmp_path)

    def edit(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "os", "class_name": "function", "config": "system", "registered_name": "function"}
    _rewrite_config(path, edit)
    with pytest.raises(UnsafeLoadError, match=r"'system'.*custom_objects"):
        load_model(path)
    with pytest.raises(UnsafeLoadError):
        load_model(path, safe_mode=False)  # never imported by name, even when the caller opts in


def test_keras3_function_spelling_of_builtin_activations_loads(tmp_path):
    path, model = _saved(tmp_path)

    def edit(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"}
    _rewrite_config(path, edit)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.testing.assert_array_equal(load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))


def test_json_goes_through_the_same_checks():
    config = {"class_name": "Sequential", "config": {"layers": []}}
    _add_lambda(config, KERAS3_LAMBDA)
    with pytest.raises(UnsafeLoadError):
        model_from_json(json.dumps(config))


def test_missing_truncated_and_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing_here.keras"):
        load_model(tmp_path / "nothing_here.keras")
    path, _ = _saved(tmp_path)
    data = path.read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match="cut.keras"):
        load_model(tmp_path / "cut.keras")
    (tmp_path / "text.h5").write_text("not a model")
    with pytest.raises(CorruptFileError, match="text.h5"):
        load_model(tmp_path / "text.h5")
    with h5py.File(tmp_path / "weights_only.h5", "w") as h5:
        h5.attrs["layer_names"] = []
    with pytest.raises(SavingError, match="weights only.*load_weights"):
        load_model(tmp_path / "weights_only.h5")


def test_missing_weights_name_the_layer(tmp_path):
    path, _ = _saved(tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    import io
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as h5:
        del h5["layers/dense/vars/1"]
    members["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(SavingError, match=r"m\.keras.*layer 'dense'"):
        load_model(path)
