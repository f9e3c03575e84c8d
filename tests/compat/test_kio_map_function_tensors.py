"""A `Dataset.map` function is TensorFlow user code, also when fit iterates the pipeline: keras-io's
ctc_asr pads with `tf.zeros([maxlen] - tf.shape(audio))`, a Python list minus a tensor, which needs
TensorFlow's tensor face inside the function (tkeras keeps tensors plain inside fit otherwise)."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _padded_to_six(x, y):
    padding = tf.zeros([6] - tf.shape(x), dtype=tf.float32)
    return tf.concat([x, padding], 0), y


def _dataset():
    features = np.arange(16, dtype="float32").reshape(4, 4)
    return tf.data.Dataset.from_tensor_slices((features, np.zeros(4, "float32"))).map(_padded_to_six).batch(2)


def test_list_minus_shape_in_a_map_function_when_iterated():
    batch, _ = next(iter(_dataset()))
    np.testing.assert_array_equal(np.asarray(batch), np.concatenate(
        [np.arange(8, dtype="float32").reshape(2, 4), np.zeros((2, 2), "float32")], axis=1))


def test_list_minus_shape_in_a_map_function_during_fit():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(_dataset(), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
