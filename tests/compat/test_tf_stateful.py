"""tf.train checkpoints and tf.Module against real TensorFlow's recorded behaviour
(tests/fixtures/make_tf_stateful_reference.py), plus a custom training loop saved and resumed."""
import json
import os
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf
from tkeras.compat.tf_namespace import errors, train
from tkeras.compat.tf_namespace.module import Module

REF = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "tf_stateful_reference.json").read_text())


def _rel(paths, base):
    return [os.path.relpath(p, base) for p in paths]


def _model():
    return keras.Sequential([keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1)])


X = np.random.RandomState(0).rand(32, 3).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")) + 0.1


def _train_step(model, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(X) - Y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


def test_save_numbering_write_and_state_file(tmp_path):
    ckpt = train.Checkpoint(model=keras.Sequential([keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dense(1)]),
                            optimizer=keras.optimizers.Adam(0.01), step=tf.Variable(0, dtype=tf.int64))
    paths = [ckpt.save(str(tmp_path / "ck" / "pre")) for _ in range(2)]
    written = ckpt.write(str(tmp_path / "ck" / "plain"))
    assert _rel(paths, tmp_path) == REF["checkpoint_save_paths"]
    assert os.path.relpath(written, tmp_path) == REF["checkpoint_write_path"]
    assert sorted(os.listdir(tmp_path / "ck")) == REF["checkpoint_files"]
    assert (tmp_path / "ck" / "checkpoint").read_text() == REF["checkpoint_state_after_save"]
    assert os.path.relpath(train.latest_checkpoint(str(tmp_path / "ck")), tmp_path) == REF["latest_after_save"]
    assert int(ckpt.save_counter.numpy()) == REF["save_counter_after_two_saves"]
    names = [n for n, _ in train.list_variables(paths[-1])]
    assert names[0] == "_CHECKPOINTABLE_OBJECT_GRAPH" and names == sorted(names)
    assert dict(train.list_variables(paths[-1]))["step/.ATTRIBUTES/VARIABLE_VALUE"] == REF["list_variables_step_shape"]


def test_manager_keeps_newest_and_reopens(tmp_path):
    ckpt = train.Checkpoint(step=tf.Variable(1))
    manager = train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=3)
    saved = []
    for _ in range(5):
        ckpt.step.assign_add(1)
        saved.append(manager.save())
    assert _rel(saved, tmp_path) == REF["manager_saved"]
    assert _rel(manager.checkpoints, tmp_path) == REF["manager_checkpoints"]
    assert os.path.relpath(manager.latest_checkpoint, tmp_path) == REF["manager_latest"]
    assert sorted(os.listdir(tmp_path)) == REF["manager_files"]
    assert os.path.relpath(manager.save(checkpoint_number=100), tmp_path) == REF["manager_numbered"]
    state = train.get_checkpoint_state(str(tmp_path))
    assert _rel(state.all_model_checkpoint_paths, tmp_path) == REF["state_all_paths"]
    assert os.path.relpath(state.model_checkpoint_path, tmp_path) == REF["state_model_path"]
    reopened = train.CheckpointManager(train.Checkpoint(step=tf.Variable(1)), str(tmp_path), max_to_keep=2,
                                       checkpoint_name="other")
    assert _rel(reopened.checkpoints, tmp_path) == REF["manager_reopened_checkpoints"]
    assert train.latest_checkpoint(str(tmp_path / "empty")) is REF["latest_checkpoint_empty_dir"]

    fresh = train.Checkpoint(step=tf.Variable(0))
    status = fresh.restore(str(tmp_path / "ckpt-5"))
    assert int(fresh.step.numpy()) == REF["restored_step"]
    assert int(fresh.save_counter.numpy()) == REF["restored_save_counter"]
    assert int(train.load_variable(str(tmp_path / "ckpt-5"), "step/.ATTRIBUTES/VARIABLE_VALUE")) == \
        REF["load_variable_step"]
    assert status.assert_consumed() is status


def test_restore_statuses_and_errors(tmp_path):
    full = train.Checkpoint(model=keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
                            step=tf.Variable(0, dtype=tf.int64))
    path = full.save(str(tmp_path / "c"))
    assert type(train.Checkpoint(step=tf.Variable(0)).restore(None)).__name__ == REF["restore_none_type"]
    status = train.Checkpoint(step=tf.Variable(0, dtype=tf.int64)).restore(path)
    assert REF["partial_assert_consumed_error"] == "AssertionError"
    with pytest.raises(AssertionError, match="model"):
        status.assert_consumed()
    assert REF["partial_existing_matched_error"] is None
    assert status.assert_existing_objects_matched() is status
    assert status.expect_partial() is status
    assert REF["restore_missing_file_error"] == "NotFoundError"
    with pytest.raises(errors.NotFoundError):
        train.Checkpoint(a=tf.Variable(0)).restore(str(tmp_path / "nope-1"))
    assert REF["checkpoint_bad_kwarg_error"] == "ValueError"
    with pytest.raises(ValueError, match="'x'"):
        train.Checkpoint(x=3)
    with pytest.raises(errors.InvalidArgumentError):
        train.Checkpoint(step=tf.Variable(0.0)).restore(path)
    other = train.Checkpoint(model=keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)]))
    with pytest.raises(ValueError, match="shape"):
        other.restore(path)


def test_no_pickle_in_files(tmp_path):
    path = train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(tmp_path / "w"))
    index = json.loads(open(path + ".index").read())  # plain JSON
    assert index["format"] == "tkeras-checkpoint"
    assert open(path + ".data-00000-of-00001", "rb").read() == np.array([1.0, 2.0], np.float32).tobytes()


def test_training_loop_resumes_identically(tmp_path):
    """Train, checkpoint via a manager, keep training; a fresh unbuilt model and optimizer restored from
    the checkpoint (deferred until the first call) must predict and keep training identically."""
    keras.utils.set_random_seed(3)
    model, optimizer, step = _model(), keras.optimizers.Adam(0.02), tf.Variable(0, dtype=tf.int64)
    manager = train.CheckpointManager(train.Checkpoint(model=model, optimizer=optimizer, step=step),
                                      str(tmp_path), max_to_keep=2)
    for _ in range(4):
        _train_step(model, optimizer)
        step.assign_add(1)
        manager.save()
    saved_predictions = model(X).numpy()
    later = [_train_step(model, optimizer) for _ in range(3)]
    final_weights = [w.numpy() for w in model.weights]

    keras.utils.set_random_seed(99)  # different initial weights
    model2, optimizer2, step2 = _model(), keras.optimizers.Adam(0.02), tf.Variable(0, dtype=tf.int64)
    ckpt2 = train.Checkpoint(model=model2, optimizer=optimizer2, step=step2)
    status = ckpt2.restore(manager.latest_checkpoint)
    assert int(step2.numpy()) == 4
    with pytest.raises(AssertionError):
        status.assert_consumed()  # the model is not built yet: its values wait for the first call
    np.testing.assert_array_equal(model2(X).numpy(), saved_predictions)
    assert [_train_step(model2, optimizer2) for _ in range(3)] == later
    status.assert_consumed()
    assert int(optimizer2.iterations.numpy()) == 7
    for a, b in zip(final_weights, model2.weights):
        np.testing.assert_array_equal(a, b.numpy())
    # numbering continues after the restored save counter
    assert os.path.basename(train.CheckpointManager(ckpt2, str(tmp_path / "next"), 1).save()) == "ckpt-5"


def test_restore_into_built_model_and_subclassed(tmp_path):
    class SubclassedNet(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu")
            self.out = keras.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    net = SubclassedNet()
    net(X)
    path = train.Checkpoint(net=net).write(str(tmp_path / "n"))
    built = SubclassedNet()
    built(X)
    train.Checkpoint(net=built).restore(path).assert_consumed()
    np.testing.assert_array_equal(built(X).numpy(), net(X).numpy())


def test_exponential_moving_average():
    ema = train.ExponentialMovingAverage(decay=0.9)
    v = tf.Variable(1.0)
    ema.apply([v])
    v.assign(2.0)
    ema.apply([v])
    assert float(ema.average(v)) == pytest.approx(REF["ema_average"], rel=1e-6)
    ema2 = train.ExponentialMovingAverage(decay=0.9, num_updates=1)
    w = tf.Variable(1.0)
    ema2.apply([w])
    w.assign(3.0)
    ema2.apply([w])
    assert float(ema2.average(w)) == pytest.approx(REF["ema_num_updates_average"], rel=1e-6)


# -- tf.Module ------------------------------------------------------------------------------------
class Dense(Module):
    def __init__(self, n_in, n_out, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), trainable=False, name="b")

    @Module.with_name_scope
    def __call__(self, x):
        return tf.matmul(x, self.w) + self.b


class Net(Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.z_last = tf.Variable(1.0, name="z_last")
        self.layers_ = [Dense(2, 3), Dense(3, 1, name="head")]
        self.extra = {"b_key": tf.Variable(2.0, name="b_key"), "a_key": tf.Variable(3.0, name="a_key")}
        self.keras_layer = keras.layers.Dense(2)
        self.keras_layer.build((None, 1))
        self.pair = (tf.Variable(4.0, name="t0"), tf.Variable(5.0, name="t1"))
        self.a_first = tf.Variable(0.0, name="a_first")


def _names(variables):
    return [v.name.split(":")[0] for v in variables]


def test_module_discovery_matches_tensorflow():
    net = Net()
    assert net.name == REF["mod_name"] and net.name_scope.name == REF["mod_name_scope"]
    assert Net(name="custom").name == REF["mod_named"]
    assert Dense(1, 1).name == REF["mod_second_name"]
    assert _names(net.variables) == _names_ref("mod_variables")
    assert _names(net.trainable_variables) == _names_ref("mod_trainable")
    assert _names(net.non_trainable_variables) == _names_ref("mod_non_trainable")
    assert [type(m).__name__ for m in net.submodules] == [s.split(":")[0] for s in REF["mod_submodules"]]
    assert [m.name for m in net.submodules][1:] == [s.split(":")[1] for s in REF["mod_submodules"]][1:]
    np.testing.assert_allclose(net.layers_[0](tf.ones([1, 2])).numpy(), REF["mod_call"])
    with pytest.raises(ValueError, match="name"):
        Module(name="bad name")


def _names_ref(key):
    return [n.split(":")[0] for n in REF[key]]


def test_module_variables_checkpoint_and_train(tmp_path):
    net = Dense(2, 1)
    optimizer = keras.optimizers.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(net(tf.ones([1, 2])))
    optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
    np.testing.assert_allclose(net.w.numpy(), np.full((2, 1), 0.9), rtol=1e-6)
    path = train.Checkpoint(net=net).write(str(tmp_path / "m"))
    fresh = Dense(2, 1)
    train.Checkpoint(net=fresh).restore(path).assert_consumed()
    np.testing.assert_array_equal(fresh.w.numpy(), net.w.numpy())
    assert isinstance(torch.as_tensor(fresh.w), torch.Tensor)
