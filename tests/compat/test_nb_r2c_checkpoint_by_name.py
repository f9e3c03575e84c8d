"""tf.train.Checkpoint as the tensorflow.org checkpoint guide uses it: a model, an optimizer, a step
counter and a dataset iterator saved with a CheckpointManager and restored by attribute names, then a
partial restore into a tree of bare Checkpoints (`Checkpoint(net=Checkpoint(l1=Checkpoint(bias=v)))`)
with one value restored later, when it is attached. Variable keys recorded from tf-keras 2.21 by
tests/fixtures/make_nb_r2c_checkpoint_keys_reference.py."""
import itertools
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf

_RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_r2c_checkpoint_keys_reference.json")))["tf_keras_2"]


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.l1 = keras.layers.Dense(5)
        self.blocks = [keras.layers.Dense(2), keras.layers.Dense(3)]

    def call(self, x):
        return self.blocks[1](self.blocks[0](self.l1(x)))


class GuideNet(keras.Model):
    """The guide's linear model."""

    def __init__(self):
        super().__init__()
        self.l1 = keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)


def _variable_keys(path):
    return sorted(key for key in tf.train.load_checkpoint(path).get_variable_to_shape_map()
                  if key.endswith("VARIABLE_VALUE") and not key.startswith("optimizer"))


def test_variable_keys_follow_attribute_names(tmp_path):
    net = Net()
    net(np.ones((1, 3), "float32"))
    path = tf.train.Checkpoint(net=net, step=tf.Variable(1)).write(str(tmp_path / "subclassed"))
    assert _variable_keys(path) == _RECORDED["subclassed"]
    sequential = keras.Sequential([keras.Input((4, 2)), keras.layers.LSTM(3), keras.layers.Dropout(0.1),
                                   keras.layers.Dense(1), keras.layers.BatchNormalization()])
    assert _variable_keys(tf.train.Checkpoint(model=sequential).write(str(tmp_path / "seq"))) == \
        _RECORDED["sequential"]
    inputs = keras.Input((3,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(4)(inputs)))
    assert _variable_keys(tf.train.Checkpoint(model=functional).write(str(tmp_path / "fn"))) == \
        _RECORDED["functional"]


def _toy_dataset():
    inputs = np.arange(10, dtype="float32")[:, None]
    labels = inputs * 5.0 + np.arange(5, dtype="float32")[None, :]
    return tf.data.Dataset.from_tensor_slices(dict(x=inputs, y=labels)).repeat().batch(2)


def _train_step(net, example, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(net(example["x"]) - example["y"]))
    variables = net.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss


class _Run:
    """The guide's training state: a fresh model, optimizer, iterator and step counter in one Checkpoint."""

    def __init__(self, directory):
        self.net, self.opt = GuideNet(), keras.optimizers.Adam(0.1)
        self.iterator = iter(_toy_dataset())
        self.ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=self.opt, net=self.net, iterator=self.iterator)
        self.manager = tf.train.CheckpointManager(self.ckpt, directory, max_to_keep=3)

    def train(self, steps):
        for _ in range(steps):
            _train_step(self.net, next(self.iterator), self.opt)
            self.ckpt.step.assign_add(1)


def test_model_optimizer_step_and_iterator_continue_after_restore(tmp_path):
    directory = str(tmp_path / "tf_ckpts")
    first = _Run(directory)
    first.train(7)
    first.manager.save()
    first.train(3)  # the uninterrupted run
    eighth_batch = list(itertools.islice(iter(_toy_dataset()), 8))[7]

    resumed = _Run(directory)
    resumed.ckpt.restore(resumed.manager.latest_checkpoint)
    assert int(resumed.ckpt.step) == 8
    np.testing.assert_allclose(np.asarray(next(resumed.iterator)["x"]), np.asarray(eighth_batch["x"]))

    resumed = _Run(directory)
    status = resumed.ckpt.restore(resumed.manager.latest_checkpoint)
    resumed.train(3)  # builds the model, which takes its saved values, then the optimizer's
    status.assert_consumed()
    for got, want in zip(resumed.net.weights, first.net.weights):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)
    assert int(resumed.opt.iterations) == int(first.opt.iterations) == 10


def test_partial_restore_into_bare_checkpoints_and_deferred_value(tmp_path):
    directory = str(tmp_path / "tf_ckpts")
    run = _Run(directory)
    run.train(2)
    run.manager.save()

    to_restore = tf.Variable(tf.zeros([5]))
    fake_layer = tf.train.Checkpoint(bias=to_restore)
    new_root = tf.train.Checkpoint(net=tf.train.Checkpoint(l1=fake_layer))
    status = new_root.restore(tf.train.latest_checkpoint(directory))
    np.testing.assert_allclose(np.asarray(to_restore), np.asarray(run.net.l1.bias))
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError):
        status.assert_consumed()  # the rest of the model, the optimizer, ... were left in the file

    deferred = tf.Variable(tf.zeros([1, 5]))
    fake_layer.kernel = deferred
    np.testing.assert_allclose(np.asarray(deferred), np.asarray(run.net.l1.kernel))


def test_reader_reports_dtypes_by_name(tmp_path):
    net = Net()
    net(np.ones((1, 3), "float32"))
    path = tf.train.Checkpoint(net=net).write(str(tmp_path / "ckpt"))
    dtype = tf.train.load_checkpoint(path).get_variable_to_dtype_map()["net/l1/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    assert dtype.name == "float32"
    assert dtype == tf.float32


def test_lists_and_dicts_are_tracked_and_restore_items_added_later(tmp_path):
    save = tf.train.Checkpoint()
    save.listed = [tf.Variable(1.0)]
    save.listed.append(tf.Variable(2.0))
    save.mapped = {"one": save.listed[0]}
    save.mapped["two"] = save.listed[1]
    save_path = save.save(str(tmp_path / "tf_list_example"))

    restore = tf.train.Checkpoint()
    v2 = tf.Variable(0.0)
    restore.mapped = {"two": v2}
    restore.restore(save_path)
    assert float(v2.numpy()) == 2.0
    restore.listed = []
    assert repr(restore.listed) == "ListWrapper([])"
    v1 = tf.Variable(0.0)
    restore.listed.append(v1)  # restored from the earlier restore() when it arrives
    assert float(v1.numpy()) == 1.0


def test_a_model_in_place_of_a_saved_checkpoint_tree_is_refused_clearly(tmp_path):
    path = tf.train.Checkpoint(net=tf.train.Checkpoint(l1=tf.train.Checkpoint(bias=tf.Variable(tf.zeros([5]))))).write(
        str(tmp_path / "tree"))
    with pytest.raises(NotImplementedError, match="'net/l1' is a Dense"):
        tf.train.Checkpoint(net=tf.train.Checkpoint(l1=keras.layers.Dense(5))).restore(path)
