"""Public instance attributes of optimizers, metrics, callbacks and models, against names and values
recorded from Keras 3.15.1 and tf-keras 2.21 (tests/fixtures/make_object_attributes_reference.py ->
object_attributes_reference.json). Objects are made as the recorder makes them."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as k

REF = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "object_attributes_reference.json")))
Y_TRUE = np.array([[0, 1, 0], [1, 0, 0]], "float32")
Y_PRED = np.array([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]], "float32")
X = np.random.RandomState(0).rand(8, 3).astype("float32")
Y = np.random.RandomState(1).rand(8, 1).astype("float32")

# Names not provided, by reason: TensorFlow / JAX machinery (tf.Module name scopes, traced train
# functions, JAX state sync) and Layer attributes of Model, which tkeras' Layer owns.
SKIPPED = {"name_scope", "with_name_scope", "train_tf_function", "jax_state_sync", "compute_loss_and_updates",
           "autocast", "call_signature_parameters", "supports_jit", "dynamic", "stateful", "updates",
           "input_mask", "output_mask", "inbound_nodes", "outbound_nodes", "submodules",
           # Keras 3's Sequential has no input_names/output_names, and tkeras' compile names outputs by them.
           "input_names", "output_names"}


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().tolist()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return "<" + type(value).__name__ + ">"


def _model(kind):
    if kind == "Sequential":
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2, name="d1"), k.layers.Dense(1, name="d2")])
    else:
        inputs = k.Input((3,), name="inp")
        model = k.Model(inputs, k.layers.Dense(1, name="out")(k.layers.Dense(2, name="hid")(inputs)))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def _optimizer(key):
    make = {"SGD": lambda: k.optimizers.SGD(), "SGD_momentum": lambda: k.optimizers.SGD(momentum=0.9),
            "Adam": lambda: k.optimizers.Adam(), "Lion": lambda: k.optimizers.Lion(),
            "RMSprop": lambda: k.optimizers.RMSprop(), "Muon": lambda: k.optimizers.Muon(),
            "LossScaleOptimizer": lambda: k.optimizers.LossScaleOptimizer(k.optimizers.SGD())}[key]
    opt = make()
    opt.build([k.Variable(np.array([1.0, 2.0], "float32")), k.Variable(np.array([[3.0], [4.0]], "float32"))])
    return opt


def _metric(key):
    make, args = {"Mean": (k.metrics.Mean, ([1.0, 2.0],)), "Sum": (k.metrics.Sum, ([1.0, 2.0],)),
                  "TruePositives": (k.metrics.TruePositives, (Y_TRUE, Y_PRED)),
                  "AUC": (lambda: k.metrics.AUC(num_thresholds=5), (Y_TRUE, Y_PRED)),
                  "Accuracy": (k.metrics.Accuracy, (Y_TRUE, Y_PRED)),
                  "MeanSquaredError": (k.metrics.MeanSquaredError, (Y_TRUE, Y_PRED))}[key]
    metric = make()
    metric.update_state(*args)
    return metric


def _callback(key, tmp_path, flavor):
    make = {"ProgbarLogger": lambda: k.callbacks.ProgbarLogger(count_mode="samples" if flavor == "tfk2" else "steps"),
            "ModelCheckpoint": lambda: k.callbacks.ModelCheckpoint(str(tmp_path / "m.keras")),
            "BackupAndRestore": lambda: k.callbacks.BackupAndRestore(str(tmp_path / "bk")),
            "EarlyStopping": k.callbacks.EarlyStopping, "History": k.callbacks.History}[key]
    callback = make()
    callback.set_model(_model("Model"))
    return callback


def _make(flavor, key, tmp_path):
    space, name = key.split(".")
    if space == "optimizers":
        return _optimizer(name)
    if space == "metrics":
        return _metric(name)
    if space == "callbacks":
        return _callback(name, tmp_path, flavor)
    model = _model(name)
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    return model


CASES = [(flavor, key) for flavor in sorted(REF) for key in sorted(REF[flavor]["names"])]

# Where tkeras follows one reference against the other, or differs knowingly: (flavor, key, attr).
VALUE_EXCEPTIONS = {
    ("tfk2", "optimizers.SGD", "momentums"),  # tf-keras makes momentum slots even with momentum=0; Keras 3 not
    ("tfk2", "optimizers.RMSprop", "momentums"),
    ("keras3", "models.Model", "metrics_names"),  # Keras 3 groups compiled metrics as "compile_metrics"
    ("keras3", "models.Sequential", "metrics_names"),
    ("tfk2", "callbacks.ModelCheckpoint", "best"),
    ("keras3", "optimizers.Lion", "momentums"),  # Keras 3's Lion keeps them private; tf-keras' exposes them
    # Keras 3's Muon makes an Adam velocity for every variable; tkeras only for the ones Adam updates.
    ("keras3", "optimizers.Muon", "adam_velocities"),
    # tkeras' metric state follows Keras 3 (variable order of AUC, Accuracy counting samples).
    ("tfk2", "metrics.AUC", "non_trainable_variables"), ("tfk2", "metrics.AUC", "non_trainable_weights"),
    ("tfk2", "metrics.Accuracy", "non_trainable_variables"), ("tfk2", "metrics.Accuracy", "non_trainable_weights"),
}


@pytest.mark.parametrize("flavor,key", CASES)
def test_attribute_names(flavor, key, tmp_path):
    obj = _make(flavor, key, tmp_path)
    missing = set(REF[flavor]["names"][key]) - set(dir(obj)) - SKIPPED
    assert not missing, f"{key} lacks {sorted(missing)} ({flavor})"


@pytest.mark.parametrize("flavor,key", CASES)
def test_attribute_values(flavor, key, tmp_path):
    obj = _make(flavor, key, tmp_path)
    checked = 0
    for attr, expected in REF[flavor]["values"][key].items():
        if expected == "<AttributeError>" or (flavor, key, attr) in VALUE_EXCEPTIONS or attr in SKIPPED:
            continue
        if attr in ("momentums",):
            got = [len(tuple(v.shape)) for v in getattr(obj, "momentums", [])]
        elif attr == "adam_velocities":
            got = len(obj.adam_velocities)
        elif expected == "<dict>":
            got = "<dict>" if isinstance(getattr(obj, attr), dict) else repr(getattr(obj, attr))
        else:
            got = _plain(getattr(obj, attr))
        if isinstance(expected, list) and expected and isinstance(got, list) and not isinstance(expected[0], str):
            np.testing.assert_allclose(np.concatenate([np.ravel(v) for v in got]),
                                       np.concatenate([np.ravel(v) for v in expected]), rtol=1e-5,
                                       err_msg=f"{key}.{attr} ({flavor})")
        else:
            assert got == expected, f"{key}.{attr} ({flavor}): {got!r} != {expected!r}"
        checked += 1
    assert checked > 0 or key == "callbacks.BackupAndRestore"


@pytest.mark.parametrize("key", ["metrics.Mean", "metrics.TruePositives"])
def test_unconnected_metric_io_raises_attribute_error(key):
    metric = _metric(key.split(".")[1])
    for attr in ("input", "output", "input_shape", "output_shape", "input_mask", "output_mask"):
        assert attr in dir(metric)
        assert not hasattr(metric, attr)


def test_settable_attributes(tmp_path):
    metric = k.metrics.Mean()
    metric.trainable = False
    assert metric.trainable is False
    assert metric.reduction.value == "weighted_mean" and k.metrics.Sum().reduction.value == "sum"
    model = _model("Model")
    model.distribute_reduction_method = "sum"
    assert model.distribute_reduction_method == "sum"
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    assert model.steps_per_execution == 4 and model.compiled is True
    checkpoint = k.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), load_weights_on_restart=True)
    checkpoint.epochs_since_last_save = 3
    assert checkpoint.epochs_since_last_save == 3 and checkpoint.load_weights_on_restart is True
    tp = _metric("TruePositives")
    assert tp.accumulator is tp.variables[0]
    lso = k.optimizers.LossScaleOptimizer(k.optimizers.SGD(clipnorm=1.0))
    assert lso.built is False and "clipnorm" in dir(lso) and lso.clipnorm == 1.0


def test_progbar_counts_steps():
    model = _model("Model")
    progbar = k.callbacks.ProgbarLogger()
    model.fit(X, Y, epochs=1, batch_size=4, verbose=0, callbacks=[progbar])
    assert progbar.seen == 2 and progbar.target == 2
