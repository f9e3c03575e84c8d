"""Transfer learning as the Keras guide does it: a frozen application without its top, a new head, fit.

The base starts from a weights file real tf-keras wrote. `transfer_mobilenet_tkeras.keras` was trained
and saved by tkeras (`make_transfer_g.py`); real Keras 3.15.1 loaded it (`check_transfer_in_keras_g.py`)
and its predictions are `transfer_mobilenet_keras_predictions.npy`.
"""
import os
import sys

import numpy as np

import tkeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "applications")
sys.path.insert(0, FIXTURES)
from transfer_data_g import build, colour_images  # noqa: E402


def test_new_head_trains_on_a_frozen_base_and_survives_a_keras_file(tmp_path):
    tkeras.utils.set_random_seed(0)
    model = build(tkeras)
    base = model.get_layer("mobilenet_0.25_32")
    frozen = [w.numpy().copy() for w in base.weights]
    assert len(model.trainable_weights) == 2  # the head's kernel and bias only
    model.compile(optimizer=tkeras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = colour_images(96)
    history = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.85 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.55  # chance is 1/3
    for before, after in zip(frozen, base.weights):  # BN statistics too: the base ran in inference mode
        np.testing.assert_array_equal(before, after.numpy())

    path = str(tmp_path / "colour.keras")
    model.save(path)
    probe, _ = colour_images(8, seed=11)
    reloaded = tkeras.saving.load_model(path)
    np.testing.assert_allclose(reloaded.predict(probe, verbose=0), model.predict(probe, verbose=0), atol=1e-6)
    assert [layer.name for layer in reloaded.layers] == ["pixels", "to_unit_range", "mobilenet_0.25_32", "colour"]


def test_the_file_real_keras_loaded_predicts_as_keras_did():
    model = tkeras.saving.load_model(os.path.join(FIXTURES, "transfer_mobilenet_tkeras.keras"))
    probe, _ = colour_images(8, seed=11)
    keras_predictions = np.load(os.path.join(FIXTURES, "transfer_mobilenet_keras_predictions.npy"))
    np.testing.assert_allclose(model.predict(probe, verbose=0), keras_predictions, atol=1e-4)
    assert np.abs(keras_predictions - keras_predictions.mean(axis=0)).max() > 0.05  # not a constant answer
