"""Binary crossentropy with targets outside [0, 1] (-1/1 labels, regression targets given to a classifier by
mistake): TensorFlow computes the formula as it stands, where torch's kernel raises. Numbers recorded from
Keras 3.15.1 and tf-keras 2.21 by tests/fixtures/make_nb_r2c_bce_out_of_range_reference.py.

The two Keras versions agree except where a probability is clipped to epsilon: tf-keras 2 then takes
log(p + epsilon), Keras 3 log(p). tkeras follows Keras 3 (as it does for targets in [0, 1]); the rows
without a saturated probability are checked against both."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

_RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_r2c_bce_out_of_range_reference.json")))
_KERAS_3, _TF_KERAS_2 = _RECORDED["keras_3"], _RECORDED["tf_keras_2"]
_SATURATED_ROW = 2  # probabilities [0, 1, 1]: clipped, where the two versions differ


def _inputs():
    return (np.array(_KERAS_3["y_true"], "float32"), np.array(_KERAS_3["probabilities"], "float32"),
            np.array(_KERAS_3["logits"], "float32"))


def _unsaturated(values):
    return np.delete(np.asarray(values), _SATURATED_ROW)


@pytest.mark.parametrize("key, compute", [
    ("bce_probabilities", lambda y, p, z: keras.losses.binary_crossentropy(y, p)),
    ("bce_logits", lambda y, p, z: keras.losses.binary_crossentropy(y, z, from_logits=True)),
    ("bce_smoothed_probabilities", lambda y, p, z: keras.losses.binary_crossentropy(y, p, label_smoothing=0.2)),
    ("focal_probabilities", lambda y, p, z: keras.losses.binary_focal_crossentropy(y, p)),
    ("focal_logits", lambda y, p, z: keras.losses.binary_focal_crossentropy(y, z, from_logits=True)),
    ("sigmoid_output_bce", lambda y, p, z: keras.losses.binary_crossentropy(
        y, keras.layers.Activation("sigmoid")(z))),
])
def test_per_sample_losses_match_tensorflow(key, compute):
    got = np.asarray(keras.ops.convert_to_numpy(compute(*_inputs())))
    np.testing.assert_allclose(got, _KERAS_3[key], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_unsaturated(got), _unsaturated(_TF_KERAS_2[key]), rtol=1e-5, atol=1e-5)


def test_loss_objects_and_metric_match_keras_3():
    y_true, probabilities, logits = _inputs()
    np.testing.assert_allclose(float(keras.losses.BinaryCrossentropy()(y_true, probabilities)),
                               _KERAS_3["bce_loss_object_probabilities"], rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.BinaryCrossentropy(from_logits=True)(y_true, logits)),
                               _KERAS_3["bce_loss_object_logits"], rtol=1e-5)
    metric = keras.metrics.BinaryCrossentropy()
    metric.update_state(y_true, probabilities)
    np.testing.assert_allclose(float(metric.result()), _KERAS_3["bce_metric_probabilities"], rtol=1e-5)


def test_a_model_trains_on_minus_one_plus_one_labels():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = np.where(x[:, :1] > 0, 1.0, -1.0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
