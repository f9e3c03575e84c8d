"""`x.get_shape()` / `x.set_shape()` where tf.keras 2 code calls them on the tensors a layer or a
dataset map receives (keras-io's Swin Transformer blocks, FixRes preprocessing), including under `fit`,
where those tensors are plain torch tensors.
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf


class _Flattening(keras.layers.Layer):
    def call(self, x):
        _, height, width, channels = x.get_shape().as_list()
        return tf.reshape(x, (-1, height * width * channels))


def test_get_shape_inside_call_eager_symbolic_and_fit():
    layer = _Flattening()
    assert tuple(layer(np.ones((2, 3, 4, 5), "float32")).shape) == (2, 60)
    inputs = keras.Input((3, 4, 5))
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((4, 3, 4, 5), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_set_shape_in_a_dataset_map_during_fit():
    def preprocess(image, label):
        image = tf.image.resize(image, (6, 6))
        image.set_shape([None, None, 3])
        return image, label

    dataset = tf.data.Dataset.from_tensor_slices(
        (np.ones((4, 8, 8, 3), "float32"), np.zeros((4,), "int64"))).map(preprocess).batch(2)
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(dataset, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_set_shape_mismatch_raises_on_plain_tensors_too():
    import torch
    with pytest.raises(ValueError, match="not compatible"):
        torch.zeros(2, 3).set_shape([2, 4])
    assert torch.zeros(2, 3).get_shape().as_list() == [2, 3]
