"""`load_weights` on a TensorFlow-checkpoint style path returns a status, as tf-keras 2 does.

keras-io's CycleGAN restores with `model.load_weights("…/cyclegan_checkpoints.090").expect_partial()`;
HDF5 and `.keras` paths keep returning None (tf-keras 2 and Keras 3 alike).
"""
import numpy as np

import tkeras as keras


def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


def test_extensionless_path_returns_status_and_restores(tmp_path):
    source, target = _model(), _model()
    path = str(tmp_path / "ckpt.001")
    source.save_weights(path)
    status = target.load_weights(path)
    assert status.expect_partial() is status
    assert status.assert_consumed() is status and status.assert_existing_objects_matched() is status
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_h5_and_keras_weight_files_return_none(tmp_path):
    model = _model()
    for name in ("w.weights.h5", "w.h5"):
        model.save_weights(str(tmp_path / name))
        assert model.load_weights(str(tmp_path / name)) is None
