"""A model nested in the saved model that was compiled and trained itself (a pretrained classifier reused
as a layer): Keras 3 writes its optimizer's state under the inner model's path
(`layers/sequential/optimizer/vars/...`) and restores it on load, so tkeras does the same, in both
directions. The datasets Keras 3 writes were recorded by
tests/fixtures/make_kio_nested_optimizer_reference.py."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import tkeras

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_nested_optimizer_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _trained_models(reference):
    layers = tkeras.layers
    x, y = np.array(reference["x"], "float32"), np.array(reference["y"], "float32")
    inner = tkeras.Sequential([tkeras.Input((3,)), layers.Dense(2, kernel_initializer="ones", name="d1")],
                              name="inner")
    inner.compile(tkeras.optimizers.Adam(0.01), "mse")
    inner.fit(x, y, verbose=0, epochs=1, batch_size=4)
    inputs = tkeras.Input((3,))
    outer = tkeras.Model(inputs, layers.Dense(1, kernel_initializer="ones", name="d2")(inner(inputs)))
    outer.compile(tkeras.optimizers.SGD(0.1), "mse")
    outer.fit(x, y[:, :1], verbose=0, epochs=1, batch_size=4)
    return inner, outer


def _datasets(path):
    found = {}
    with zipfile.ZipFile(path) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            h5.visititems(lambda name, obj: found.__setitem__(name, np.asarray(obj))
                          if isinstance(obj, h5py.Dataset) else None)
    return found


def test_file_holds_the_nested_optimizer_as_keras_writes_it(reference, tmp_path):
    _, outer = _trained_models(reference)
    path = os.path.join(tmp_path, "model.keras")
    outer.save(path)
    written = _datasets(path)
    assert sorted(written) == sorted(reference["datasets"])
    for name, expected in reference["datasets"].items():
        np.testing.assert_allclose(written[name], np.array(expected), rtol=1e-5, atol=1e-6, err_msg=name)


def test_nested_optimizer_state_comes_back_on_load(reference, tmp_path):
    inner, outer = _trained_models(reference)
    path = os.path.join(tmp_path, "model.keras")
    outer.save(path)
    loaded = tkeras.saving.load_model(path)
    loaded_inner = next(layer for layer in loaded.layers if isinstance(layer, tkeras.Model))
    saved_state = [np.asarray(v) for v in inner.optimizer.variables]
    restored_state = [np.asarray(v) for v in loaded_inner.optimizer.variables]
    assert [s.shape for s in restored_state] == [s.shape for s in saved_state]
    for saved, restored in zip(saved_state, restored_state):
        np.testing.assert_allclose(restored, saved)


def test_include_optimizer_false_leaves_every_optimizer_out(reference, tmp_path):
    _, outer = _trained_models(reference)
    path = os.path.join(tmp_path, "model.keras")
    outer.save(path, include_optimizer=False)
    assert not [name for name in _datasets(path) if "optimizer" in name]
