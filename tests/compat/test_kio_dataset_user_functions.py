"""Every function a pipeline is given is TensorFlow user code, also when fit iterates the pipeline:
`filter`, `flat_map`, `interleave`, `scan`, `take_while` and `reduce` functions see TensorFlow's tensor
face (`[3] - tf.shape(x)`, a Python list minus a tensor) and text with its face (`x.dtype == tf.string`),
as `map` functions do."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf

FEATURES = np.arange(24, dtype="float32").reshape(8, 3)
TARGETS = np.zeros(8, "float32")


def _is_row_of_three(x):
    return tf.reduce_all(tf.equal([3] - tf.shape(x), 0))


def _copies(x, y, count):
    return tf.data.Dataset.from_tensors((x, y)).repeat(tf.cast(count, tf.int64))


def _pipelines():
    base = tf.data.Dataset.from_tensor_slices((FEATURES, TARGETS))
    return {
        "filter": base.filter(lambda x, y: tf.logical_and(_is_row_of_three(x), tf.equal(x[0] % 2, 0))),
        "flat_map": base.flat_map(lambda x, y: _copies(x, y, 2 * tf.cast(_is_row_of_three(x), tf.int32))),
        "interleave": base.interleave(lambda x, y: _copies(x, y, tf.cast(_is_row_of_three(x), tf.int32)),
                                      cycle_length=2),
        "scan": base.scan(tf.constant(0), lambda state, element: (
            state + tf.shape(element[0])[0], (element[0] + tf.cast([3] - tf.shape(element[0]), tf.float32),
                                              element[1]))),
        "take_while": base.take_while(lambda x, y: _is_row_of_three(x)),
    }


def test_user_functions_see_tensorflow_tensors_during_fit():
    expected_steps = {"filter": 1, "flat_map": 4, "interleave": 2, "scan": 2, "take_while": 2}
    for name, pipeline in _pipelines().items():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="zeros")])
        model.compile("sgd", "mse")
        seen = []
        model.fit(pipeline.batch(4), epochs=1, verbose=0,
                  callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))])
        assert len(seen) == expected_steps[name], name


def test_filter_on_text_sees_string_tensors():
    words = np.array(["a", "", "bb", ""])
    kept = tf.data.Dataset.from_tensor_slices(words).filter(
        lambda w: tf.strings.length(w) > 0 if w.dtype == tf.string else False)
    assert [w.numpy() for w in kept] == [b"a", b"bb"]


def test_reduce_function_sees_tensorflow_tensors():
    total = tf.data.Dataset.from_tensor_slices(FEATURES).reduce(
        0, lambda state, x: state + tf.reduce_sum([3] - tf.shape(x)) + 1)
    assert int(total) == 8 and total.numpy() == 8
