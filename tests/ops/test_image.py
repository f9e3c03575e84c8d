"""`keras.ops.image.resize`: one image or a batch, either layout, TensorFlow's sampling."""
import numpy as np
import pytest
import torch

from tkeras import ops


def test_nearest_doubling_repeats_each_pixel():
    image = np.arange(2 * 3 * 2, dtype="float32").reshape(2, 3, 2)  # (H, W, C)
    out = ops.image.resize(image, (4, 6), interpolation="nearest")
    np.testing.assert_array_equal(np.asarray(out), image.repeat(2, axis=0).repeat(2, axis=1))


def test_bilinear_halving_averages_two_by_two_blocks_and_batches_agree():
    batch = np.random.default_rng(0).random((3, 4, 6, 2)).astype("float32")
    out = ops.image.resize(batch, (2, 3))
    # Half-pixel centres: each output pixel sits exactly between four input pixels.
    expected = batch.reshape(3, 2, 2, 3, 2, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-6)
    first = ops.image.resize(batch[0], (2, 3))
    np.testing.assert_allclose(np.asarray(first), expected[0], rtol=1e-6)
    channels_first = ops.image.resize(batch.transpose(0, 3, 1, 2), (2, 3), data_format="channels_first")
    np.testing.assert_allclose(np.asarray(channels_first), expected.transpose(0, 3, 1, 2), rtol=1e-6)


def test_crop_to_aspect_ratio_takes_the_centre_first():
    image = np.arange(4 * 8, dtype="float32").reshape(4, 8, 1)
    out = ops.image.resize(image, (4, 4), crop_to_aspect_ratio=True)
    np.testing.assert_array_equal(np.asarray(out)[..., 0], image[:, 2:6, 0])


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="interpolation.*'lanczos7'"):
        ops.image.resize(np.zeros((2, 2, 1)), (1, 1), interpolation="lanczos7")
    with pytest.raises(ValueError, match=r"one image \(3 dims\) or a batch \(4 dims\)"):
        ops.image.resize(torch.zeros(2, 2), (1, 1))
