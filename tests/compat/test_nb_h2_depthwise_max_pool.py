"""Hands-On ML ch. 14 pools across channels with `tf.nn.max_pool(x, ksize=(1, 1, 1, 3), strides=(1, 1, 1, 3),
padding="VALID")` and checks a custom DepthPool layer against it. The reference is NumPy: the max over each
group of 3 neighbouring channels; TensorFlow refuses (UnimplementedError) the combinations it has no kernel for."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def _fmaps():
    return np.random.default_rng(42).random((2, 7, 12, 6))


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_depthwise_max_pool_takes_the_max_of_each_channel_group(padding):
    fmaps = _fmaps()
    output = tf.nn.max_pool(fmaps, ksize=(1, 1, 1, 3), strides=(1, 1, 1, 3), padding=padding)
    assert tuple(output.shape) == (2, 7, 12, 2)
    np.testing.assert_allclose(np.asarray(output), fmaps.reshape(2, 7, 12, 2, 3).max(axis=-1))


def test_depthwise_max_pool_channels_first():
    fmaps = _fmaps().transpose(0, 3, 1, 2)
    output = tf.nn.max_pool(fmaps, ksize=(1, 2, 1, 1), strides=(1, 2, 1, 1), padding="VALID", data_format="NCHW")
    np.testing.assert_allclose(np.asarray(output), fmaps.reshape(2, 3, 2, 7, 12).max(axis=2))


@pytest.mark.parametrize("ksize, strides, message", [
    ((1, 1, 1, 2), (1, 1, 1, 3), "depth window to equal the depth stride"),
    ((1, 2, 2, 3), (1, 1, 1, 3), "exactly one of pooling across depth"),
    ((1, 1, 1, 4), (1, 1, 1, 4), "evenly divide the input depth"),
])
def test_depthwise_max_pool_refuses_what_tensorflow_refuses(ksize, strides, message):
    with pytest.raises(tf.errors.UnimplementedError, match=message):
        tf.nn.max_pool(_fmaps(), ksize=ksize, strides=strides, padding="VALID")
