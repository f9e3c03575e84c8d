"""keras.saving.KerasFileEditor on a .keras file written by real Keras 3.15.1 (tests/fixtures/k3_mlp.keras)
and on tkeras' own files: what it reads equals what the model loads, edits land in a file the model reads."""
import os

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import KerasFileEditor

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _mlp():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"),
                              keras.layers.Dense(2, name="out")])
    model.set_weights([np.arange(np.prod(w.shape), dtype="float32").reshape(w.shape) / 10 for w in model.weights])
    return model


def test_reads_real_keras_files_with_config_metadata_and_the_loaded_weights():
    path = os.path.join(FIXTURES, "k3_mlp.keras")
    editor = KerasFileEditor(path)
    assert editor.metadata["keras_version"].startswith("3.")
    assert editor.config["class_name"] in ("Sequential", "Functional")
    model = keras.saving.load_model(path, compile=False)
    layers = editor.weights_dict["layers"]
    stored = [layers[key][index] for key in layers for index in sorted(layers[key], key=int)]
    assert len(stored) == len(model.get_weights())
    for got, want in zip(stored, model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert editor.compare(model) == {"status": "success", "error_count": 0, "match_count": len(stored)}


def test_rename_delete_add_and_save_make_a_file_the_model_loads(tmp_path, capsys):
    model = _mlp()
    model.save(tmp_path / "m.keras")
    editor = KerasFileEditor(str(tmp_path / "m.keras"))
    editor.summary()
    printed = capsys.readouterr().out
    assert "dense/" in printed and "0: shape=(4, 3), dtype=float32" in printed
    kernel = editor.weights_dict["layers"]["dense"]["0"]
    np.testing.assert_array_equal(kernel, model.layers[0].kernel.numpy())
    new_kernel = np.ones_like(kernel)
    editor.delete_weight("layers/dense", "0")
    editor.add_weights("layers/dense", {"0": new_kernel})
    editor.save(str(tmp_path / "edited.weights.h5"))
    fresh = _mlp()
    fresh.load_weights(str(tmp_path / "edited.weights.h5"))
    np.testing.assert_array_equal(fresh.layers[0].kernel.numpy(), new_kernel)
    np.testing.assert_array_equal(fresh.layers[1].kernel.numpy(), model.layers[1].kernel.numpy())
    editor.rename_object("dense_1", "renamed")
    assert "renamed" in editor.weights_dict["layers"] and "dense_1" not in editor.weights_dict["layers"]
    assert editor.compare(fresh)["status"] == "error"
    editor.delete_object("layers/renamed")
    editor.add_object("layers/dense_1", {"0": np.zeros((3, 2), "float32"), "1": np.zeros(2, "float32")})
    editor.save(str(tmp_path / "again.weights.h5"))
    fresh.load_weights(str(tmp_path / "again.weights.h5"))
    assert not fresh.layers[1].kernel.numpy().any()
    reread = KerasFileEditor(str(tmp_path / "again.weights.h5"))
    np.testing.assert_array_equal(reread.weights_dict["layers"]["dense"]["0"], new_kernel)


def test_errors_name_the_object_and_links_are_refused(tmp_path):
    model = _mlp()
    model.save_weights(tmp_path / "m.weights.h5")
    editor = KerasFileEditor(str(tmp_path / "m.weights.h5"))
    with pytest.raises(ValueError, match="no object named 'nope'"):
        editor.delete_object("nope")
    with pytest.raises(ValueError, match="path 'layers/nope' is not in the file"):
        editor.rename_object("layers/nope", "x")
    with pytest.raises(ValueError, match="has no weight '7'"):
        editor.delete_weight("layers/dense", "7")
    with pytest.raises(ValueError, match="expected a .weights.h5 path"):
        editor.save(str(tmp_path / "x.h5"))
    with pytest.raises(ValueError, match="expected a .keras or .weights.h5"):
        KerasFileEditor(str(tmp_path / "x.h5"))
    with h5py.File(tmp_path / "m.weights.h5", "a") as h5:
        h5["layers/dense/vars"]["2"] = h5py.ExternalLink("/etc/passwd", "/")
    with pytest.raises(keras.saving.UnsafeLoadError, match="external link"):
        KerasFileEditor(str(tmp_path / "m.weights.h5"))
