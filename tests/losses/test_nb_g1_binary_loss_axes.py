"""Binary crossentropy (plain and focal) averages over a tuple or list of axes, as Keras does.

Generative Deep Learning 2nd ed.'s VAE train_step calls
`losses.binary_crossentropy(data, reconstruction, axis=(1, 2, 3))` for a per-image reconstruction loss.
The binary losses have no class axis, `axis` only says what to average, so both tf-keras 2 and Keras 3
take several axes. The categorical losses still need one int (their softmax axis).
"""
import numpy as np
import pytest

import tkeras as keras

RNG = np.random.default_rng(0)
Y_TRUE = RNG.uniform(size=(2, 3, 4, 2)).astype("float32")
Y_PRED = RNG.uniform(0.05, 0.95, size=(2, 3, 4, 2)).astype("float32")


def np_bce(y, p):
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def np_focal(y, p, gamma=2.0):
    p_t = y * p + (1 - y) * (1 - p)
    return (1 - p_t) ** gamma * np_bce(y, p)


@pytest.mark.parametrize("axis", [(1, 2, 3), [1, 2], (-1, -2)])
def test_binary_crossentropy_averages_over_several_axes(axis):
    result = np.asarray(keras.losses.binary_crossentropy(Y_TRUE, Y_PRED, axis=axis))
    np.testing.assert_allclose(result, np_bce(Y_TRUE, Y_PRED).mean(axis=tuple(axis)), rtol=1e-5)


@pytest.mark.parametrize("axis", [(1, 2, 3), [1, 2]])
def test_binary_focal_crossentropy_averages_over_several_axes(axis):
    result = np.asarray(keras.losses.binary_focal_crossentropy(Y_TRUE, Y_PRED, axis=axis))
    np.testing.assert_allclose(result, np_focal(Y_TRUE, Y_PRED).mean(axis=tuple(axis)), rtol=1e-5)


def test_binary_crossentropy_class_with_tuple_axis():
    loss = keras.losses.BinaryCrossentropy(axis=(1, 2, 3))
    expected = np_bce(Y_TRUE, Y_PRED).mean()
    np.testing.assert_allclose(float(loss(Y_TRUE, Y_PRED)), expected, rtol=1e-5)


def test_vae_reconstruction_loss_on_sigmoid_output_per_image():
    """The notebook's pattern: a sigmoid layer's output, one reconstruction loss per image."""
    logits = RNG.normal(size=(2, 4, 4, 1)).astype("float32")
    images = RNG.uniform(size=(2, 4, 4, 1)).astype("float32")
    reconstruction = keras.layers.Activation("sigmoid")(logits)
    result = np.asarray(keras.losses.binary_crossentropy(images, reconstruction, axis=(1, 2, 3)))
    expected = np_bce(images, 1 / (1 + np.exp(-logits))).mean(axis=(1, 2, 3))
    assert result.shape == (2,)
    np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_axis_entries_must_be_ints():
    with pytest.raises(ValueError, match="binary_crossentropy.*axis"):
        keras.losses.binary_crossentropy(Y_TRUE, Y_PRED, axis=(1, "2"))
    with pytest.raises(ValueError, match="categorical_crossentropy.*axis"):
        keras.losses.categorical_crossentropy(Y_TRUE, Y_PRED, axis=(1, 2))
