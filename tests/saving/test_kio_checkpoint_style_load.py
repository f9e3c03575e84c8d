"""load_weights on a bare name (tf-keras 2's TensorFlow-checkpoint path, keras-io's serialization guide
"transfer learning" section): the layers the file holds weights for are restored, a layer it holds
nothing for (a new head) keeps its weights, as TensorFlow's checkpoint restore did; the status's
assert_consumed()/assert_existing_objects_matched() then fail, expect_partial() passes. Suffixed
paths (.weights.h5) stay strict, and a shape mismatch raises either way."""
import os

import numpy as np
import pytest

import tkeras
from tkeras.saving.errors import WeightMismatchError


def _mlp(head_units=None, input_dim=4):
    inputs = tkeras.Input((input_dim,))
    x = tkeras.layers.Dense(3, name="d1")(inputs)
    x = tkeras.layers.Dense(3, name="d2")(x)
    if head_units:
        x = tkeras.layers.Dense(head_units, name="head")(x)
    return tkeras.Model(inputs, x)


def test_missing_layer_keeps_its_weights(tmp_path):
    pretrained = _mlp()
    pretrained.set_weights([np.full(w.shape, i + 1.0, "float32") for i, w in enumerate(pretrained.get_weights())])
    path = os.path.join(tmp_path, "pretrained_ckpt")
    pretrained.save_weights(path)
    model = _mlp(head_units=2)
    head_before = [w.copy() for w in model.get_layer("head").get_weights()]
    status = model.load_weights(path)
    for saved, loaded in zip(pretrained.get_weights(), model.get_weights()[:4]):
        np.testing.assert_array_equal(saved, loaded)
    for before, after in zip(head_before, model.get_layer("head").get_weights()):
        np.testing.assert_array_equal(before, after)
    assert status.expect_partial() is status
    with pytest.raises(AssertionError, match="head"):
        status.assert_consumed()
    with pytest.raises(AssertionError, match="head"):
        status.assert_existing_objects_matched()


def test_complete_checkpoint_passes_every_assertion(tmp_path):
    model = _mlp(head_units=2)
    path = os.path.join(tmp_path, "ckpt")
    model.save_weights(path)
    status = _mlp(head_units=2).load_weights(path)
    status.assert_consumed().assert_existing_objects_matched()


def test_shape_mismatch_still_raises(tmp_path):
    path = os.path.join(tmp_path, "ckpt")
    _mlp().save_weights(path)
    with pytest.raises(WeightMismatchError):
        _mlp(input_dim=5).load_weights(path)


def test_weights_h5_file_stays_strict(tmp_path):
    path = os.path.join(tmp_path, "pretrained.weights.h5")
    _mlp().save_weights(path)
    with pytest.raises(WeightMismatchError, match="head"):
        _mlp(head_units=2).load_weights(path)
