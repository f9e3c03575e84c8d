"""TF 1.x input iterators on a TensorFlow 2 strategy: `make_dataset_iterator`, `experimental_run`,
`initialize()` (Hands-On ML 2nd ed. ch. 19's custom distributed training loop).

TensorFlow 2.21 still runs these eagerly: the iterator can be read as soon as it is made, `initialize()`
returns None and starts it over, the end raises tf.errors.OutOfRangeError, and `experimental_run(fn, it)`
calls `fn(it.get_next())` (`fn()` without an iterator). One process here, so one replica: the step must
compute what a plain step on the same batch does (closed form).
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf


@pytest.fixture(params=["mirrored", "one_device"])
def strategy(request):
    if request.param == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.OneDeviceStrategy("/cpu:0")


def test_iterator_reads_restarts_and_ends_as_tensorflow(strategy):
    iterator = strategy.make_dataset_iterator(tf.data.Dataset.range(5).batch(2))
    np.testing.assert_array_equal(np.asarray(iterator.get_next()), [0, 1])
    np.testing.assert_array_equal(np.asarray(iterator.get_next()), [2, 3])
    np.testing.assert_array_equal(np.asarray(strategy.experimental_run(lambda x: x * 2, iterator)), [8])
    with pytest.raises(tf.errors.OutOfRangeError):
        iterator.get_next()
    assert iterator.initialize() is None
    np.testing.assert_array_equal(np.asarray(iterator.get_next()), [0, 1])
    assert int(strategy.experimental_run(lambda: tf.constant(3))) == 3


def test_input_fn_iterator_builds_the_pipeline_from_the_input_context(strategy):
    seen = []

    def input_fn(context):
        seen.append((context.num_input_pipelines, context.input_pipeline_id))
        return tf.data.Dataset.range(4).batch(2)

    iterator = strategy.make_input_fn_iterator(input_fn)
    assert seen == [(1, 0)]
    np.testing.assert_array_equal(np.asarray(iterator.get_next()), [0, 1])


def test_experimental_run_training_step_matches_a_plain_step():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], "float32")
    y = np.array([0, 1, 1, 0], "int64")
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones",
                                                                        bias_initializer="zeros")])
        optimizer = keras.optimizers.SGD(learning_rate=0.1)
        iterator = strategy.make_dataset_iterator(tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(2))

    def step_fn(inputs):
        features, _ = inputs
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(features)) / 2
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    with strategy.scope():
        iterator.initialize()
        losses = [float(strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.experimental_run(step_fn, iterator),
                                        axis=None)) for _ in range(2)]
    # loss = mean over the batch of x.w + b; d/dw = mean of the rows, d/db = 1; SGD with lr 0.1
    w, b = np.ones(2), 0.0
    expected = []
    for rows in (x[:2], x[2:]):
        expected.append(float((rows @ w + b).mean()))
        w, b = w - 0.1 * rows.mean(axis=0), b - 0.1
    np.testing.assert_allclose(losses, expected, rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].kernel.numpy().ravel(), w, rtol=1e-6, atol=1e-6)
