"""Permute, UpSampling, ZeroPadding and Cropping against NumPy."""
import numpy as np
import pytest

from tests.layer_testing import run_layer_test
from tkeras import layers


def test_permute():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Permute((2, 1))(x).detach().cpu().numpy(), x.transpose(0, 2, 1))
    run_layer_test(layers.Permute, {"dims": (3, 1, 2)}, input_shape=(2, 3, 4, 5), expected_output_shape=(2, 5, 3, 4))
    assert layers.Permute((2, 1)).compute_output_shape((None, None, 7)) == (None, 7, None)
    with pytest.raises(ValueError, match="permutation"):
        layers.Permute((0, 1))


def test_upsampling():
    x = np.arange(12, dtype="float32").reshape(1, 3, 4)
    np.testing.assert_array_equal(layers.UpSampling1D(2)(x).detach().cpu().numpy(), np.repeat(x, 2, axis=1))
    assert layers.UpSampling1D(length=3).size == 3
    x2 = np.arange(24, dtype="float32").reshape(2, 2, 3, 2)
    out = layers.UpSampling2D((2, 3))(x2).detach().cpu().numpy()
    np.testing.assert_array_equal(out, np.repeat(np.repeat(x2, 2, axis=1), 3, axis=2))
    first = layers.UpSampling2D(2, data_format="channels_first")(x2).detach().cpu().numpy()
    np.testing.assert_array_equal(first, np.repeat(np.repeat(x2, 2, axis=2), 2, axis=3))
    run_layer_test(layers.UpSampling2D, {"size": 2}, input_shape=(1, 2, 3, 2), expected_output_shape=(1, 4, 6, 2))
    run_layer_test(layers.UpSampling1D, {"size": 2}, input_shape=(1, 2, 3), expected_output_shape=(1, 4, 3))


def test_upsampling_bilinear_half_pixel():
    # TF2 tf.image.resize bilinear (half-pixel centres): [0, 1] doubled -> [0, 0.25, 0.75, 1]
    x = np.array([0.0, 1.0], dtype="float32").reshape(1, 1, 2, 1)
    out = layers.UpSampling2D((1, 2), interpolation="bilinear")(x).detach().cpu().numpy()
    np.testing.assert_allclose(out[0, 0, :, 0], [0.0, 0.25, 0.75, 1.0])
    with pytest.raises(ValueError, match=r"interpolation.*'bilinear'"):
        layers.UpSampling2D(interpolation="bilinaer")


def test_zero_padding():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2)).astype("float32")
    out = layers.ZeroPadding2D(((1, 2), (0, 3)))(x).detach().cpu().numpy()
    np.testing.assert_array_equal(out, np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
    np.testing.assert_array_equal(layers.ZeroPadding2D(1)(x).detach().cpu().numpy(),
                                  np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))))
    np.testing.assert_array_equal(layers.ZeroPadding2D((1, 2), data_format="channels_first")(x).detach().cpu().numpy(),
                                  np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2))))
    x1 = x[..., 0]
    np.testing.assert_array_equal(layers.ZeroPadding1D((2, 1))(x1).detach().cpu().numpy(),
                                  np.pad(x1, ((0, 0), (2, 1), (0, 0))))
    run_layer_test(layers.ZeroPadding1D, {"padding": 2}, input_shape=(2, 3, 4), expected_output_shape=(2, 7, 4))
    run_layer_test(layers.ZeroPadding2D, {"padding": ((1, 0), (2, 1))}, input_shape=(1, 2, 2, 1),
                   expected_output_shape=(1, 3, 5, 1))


def test_cropping():
    x = np.random.default_rng(1).standard_normal((2, 6, 5, 3)).astype("float32")
    np.testing.assert_array_equal(layers.Cropping2D(((1, 2), (0, 1)))(x).detach().cpu().numpy(), x[:, 1:4, 0:4])
    np.testing.assert_array_equal(layers.Cropping2D(1, data_format="channels_first")(x).detach().cpu().numpy(),
                                  x[:, :, 1:4, 1:2])
    np.testing.assert_array_equal(layers.Cropping1D((2, 1))(x[..., 0]).detach().cpu().numpy(), x[:, 2:5, :, 0])
    run_layer_test(layers.Cropping1D, {"cropping": (1, 2)}, input_shape=(2, 6, 3), expected_output_shape=(2, 3, 3))
    run_layer_test(layers.Cropping2D, {"cropping": ((1, 1), (2, 0))}, input_shape=(1, 4, 4, 2),
                   expected_output_shape=(1, 2, 2, 2))
    with pytest.raises(ValueError, match=r"Cropping1D layer 'crop'.*\(3, 3\).*\(6,\)"):
        layers.Cropping1D((3, 3), name="crop")(x[..., 0, :])
