"""Functional models on `Input(dtype="string")` (keras-io's structured-data examples): the text is
reshaped by `ops.expand_dims` or `layers.Reshape((1,))` before a StringLookup, and fit/predict take the
text as NumPy object arrays (pandas' string columns), as Keras on TensorFlow does."""
import numpy as np

import tkeras as keras
from tkeras import layers

VOCABULARY = ["red", "green", "blue"]
COLORS = np.array(["green", "blue", "red", "green"], dtype=object)
MULTI_HOT = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype="float32")  # (no OOV slot)
INDICES = np.array([[2], [3], [1], [2]])  # one OOV index first


def _model():
    color = keras.Input(shape=(), dtype="string", name="color")
    shade = keras.Input(shape=(), dtype="string", name="shade")
    binary = layers.StringLookup(vocabulary=VOCABULARY, num_oov_indices=0, output_mode="binary")
    expanded = keras.ops.expand_dims(color, -1)
    reshaped = layers.Reshape((1,))(shade)
    assert (expanded.shape, expanded.dtype, reshaped.shape, reshaped.dtype) == ((None, 1), "string",
                                                                                (None, 1), "string")
    index = keras.ops.cast(layers.StringLookup(vocabulary=VOCABULARY)(reshaped), "float32")
    outputs = layers.concatenate([binary(expanded), index])
    return keras.Model({"color": color, "shade": shade}, outputs)


def test_expand_dims_and_reshape_feed_string_lookups():
    model = _model()
    expected = np.concatenate([MULTI_HOT, INDICES], axis=1)
    inputs = {"color": COLORS, "shade": COLORS}
    np.testing.assert_array_equal(np.asarray(model(inputs)), expected)
    np.testing.assert_array_equal(model.predict(inputs, batch_size=3, verbose=0), expected)


def test_fit_and_evaluate_take_object_string_arrays():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    inputs = {"color": COLORS, "shade": COLORS[::-1].copy()}
    history = model.fit(inputs, np.zeros((4, 4)), batch_size=2, epochs=1, verbose=0)
    expected = float(np.mean(np.concatenate([MULTI_HOT, INDICES[::-1]], axis=1) ** 2))  # nothing to train
    assert abs(history.history["loss"][0] - expected) < 1e-6
    assert abs(model.evaluate(inputs, np.zeros((4, 4)), verbose=0) - expected) < 1e-6


def _as_str(value):
    """Text as str (tkeras hands out str arrays; TensorFlow's `.numpy()` gives bytes)."""
    return np.vectorize(lambda s: s.decode() if isinstance(s, bytes) else str(s), otypes=[str])(np.asarray(value))


def test_flatten_and_reshape_move_text_eagerly():
    text = np.array([["a", "b"], ["c", "d"]], dtype=object)
    np.testing.assert_array_equal(_as_str(layers.Reshape((2, 1))(text)), [[["a"], ["b"]], [["c"], ["d"]]])
    np.testing.assert_array_equal(_as_str(layers.Flatten()(text[:, :, None])), [["a", "b"], ["c", "d"]])
    model = keras.Sequential([keras.Input((2,), dtype="string"), layers.Flatten(),
                              layers.StringLookup(vocabulary=["a", "b"])])
    np.testing.assert_array_equal(np.asarray(model(text)), [[1, 2], [0, 0]])


def test_lambda_gets_the_text_itself():
    from tkeras.compat import tf_namespace as tf
    text = keras.Input(shape=(1,), dtype="string")
    lowered = layers.Lambda(lambda x: tf.strings.lower(x), output_shape=(1,))(text)
    model = keras.Model(text, layers.StringLookup(vocabulary=["x", "y"])(lowered))
    words = np.array([["X"], ["y"], ["Q"]], dtype=object)
    np.testing.assert_array_equal(np.asarray(model(words)), [[1], [2], [0]])
