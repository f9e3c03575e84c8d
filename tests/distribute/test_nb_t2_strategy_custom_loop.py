"""The strategy calls of tensorflow.org's distributed custom-training tutorial (one process, as launched
without torchrun): experimental_distribute_dataset, run, reduce, experimental_local_results,
distribute_datasets_from_function. One replica: the distributed loop must compute what the plain loop does
(NumPy reference)."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

X = np.arange(12, dtype="float32").reshape(6, 2)
Y = np.array([0, 1, 1, 0, 1, 0], "int64")


@pytest.fixture(params=["mirrored", "one_device"])
def strategy(request):
    if request.param == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.OneDeviceStrategy("/cpu:0")


def test_distributed_dataset_yields_the_global_batches(strategy):
    dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)
    batches = [(np.asarray(x), np.asarray(y)) for x, y in strategy.experimental_distribute_dataset(dataset)]
    np.testing.assert_array_equal(batches[0][0], X[:4])
    np.testing.assert_array_equal(batches[1][1], Y[4:])


def test_reduce_sum_and_mean(strategy):
    values = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(np.asarray(strategy.reduce(tf.distribute.ReduceOp.SUM, values, axis=None)),
                               [[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(np.asarray(strategy.reduce("SUM", values, axis=0)), [4.0, 8.0])
    np.testing.assert_allclose(np.asarray(strategy.reduce(tf.distribute.ReduceOp.MEAN, values, axis=0)), [2.0, 4.0])
    with pytest.raises(ValueError, match="reduce_op"):
        strategy.reduce("MAX", values)


def test_run_and_local_results(strategy):
    result = strategy.run(lambda a, b=0: a * 2 + b, args=(tf.constant(3.0),), kwargs={"b": 1.0})
    assert float(result) == 7.0
    assert strategy.experimental_local_results(result) == (result,)


def test_datasets_from_function_gets_one_pipeline(strategy):
    seen = []

    def dataset_fn(context):
        seen.append((context.num_input_pipelines, context.input_pipeline_id, context.get_per_replica_batch_size(4)))
        return tf.data.Dataset.from_tensor_slices(X).batch(4)

    dataset = strategy.distribute_datasets_from_function(dataset_fn)
    assert seen == [(1, 0, 4)]
    assert np.asarray(next(iter(dataset))).shape == (4, 2)


def test_distributed_step_matches_the_plain_mean_loss():
    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, kernel_initializer="ones")])
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    def step(inputs):
        x, y = inputs
        return tf.nn.compute_average_loss(loss_object(y, model(x)), global_batch_size=6)

    dataset = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((X, Y)).batch(6))
    total = strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(step, args=(next(iter(dataset)),)), axis=None)
    logits = X @ np.ones((2, 2), "float32")
    expected = np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(6), Y])
    np.testing.assert_allclose(float(total), expected, rtol=1e-5)


def test_values_from_function_sees_replica_zero_of_one(strategy):
    value = strategy.experimental_distribute_values_from_function(
        lambda context: tf.constant([context.replica_id_in_sync_group, context.num_replicas_in_sync]))
    np.testing.assert_array_equal(np.asarray(strategy.run(lambda v: v, args=(value,))), [0, 1])
