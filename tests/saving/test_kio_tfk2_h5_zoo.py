"""`.h5` files written by real tf-keras 2.21 (tests/fixtures/make_tfk2_h5_zoo.py) load in tkeras and
compute what tf-keras computed: tf.* calls and slicing on symbolic tensors (TFOpLambda / SlicingOpLambda),
symbolic add_loss / add_metric (AddLoss / AddMetric), functional structure, optimizer state after a few
steps, a custom layer. tkeras then writes each loaded model to `.h5` again and reads it back unchanged."""
import json

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures import make_tfk2_h5_zoo as zoo
from tkeras.layers.core.tf_op_layers import tf_function
from tkeras.saving.tf_keras2_h5 import keras2_optimizer_config, op_lambda_node

RECORD = np.load(zoo.RECORD)
META = json.loads(str(RECORD["meta"]))


def _arrays(name, kind):
    arrays = [RECORD[k] for k in sorted(k for k in RECORD.files if k.startswith(f"{name}/{kind}"))]
    return arrays if len(arrays) > 1 else arrays[0]


def _flat(outputs):
    if isinstance(outputs, dict):
        return [np.asarray(outputs[k]) for k in sorted(outputs)]
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(o) for o in outputs]
    return [np.asarray(outputs)]


def _load(path, name):
    custom = {"ScaledDense": zoo.custom_layer_class(keras)} if name == "custom_layer" else None
    return keras.models.load_model(path, custom_objects=custom)


def _check_predictions(model, name):
    got = _flat(model(_arrays(name, "x"), training=False))
    want = [RECORD[f"{name}/pred{i}"] for i in range(len(got))]
    assert f"{name}/pred{len(got)}" not in RECORD.files
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def _check_training(model, name):
    x, y = _arrays(name, "x"), _arrays(name, "y")
    evaluation = model.evaluate(x, y, verbose=0, return_dict=True)
    want = META[name]["evaluate"]
    assert sorted(evaluation) == sorted(want)
    for key, value in want.items():
        np.testing.assert_allclose(evaluation[key], value, rtol=1e-5)
    # The first step reports the loss before its update; the second shows the restored optimizer state.
    losses = [float(model.train_on_batch(x, y, return_dict=True)["loss"]) for _ in range(2)]
    np.testing.assert_allclose(losses, META[name]["next_losses"], rtol=1e-5)


def test_record_is_tf_keras_2_and_holds_its_op_layers():
    assert META["tf_keras"] == "2.21.0"
    assert "TFOpLambda" in META["tfop_operators"]["class_names"]
    assert "SlicingOpLambda" in META["tfop_slicing"]["class_names"]
    assert {"AddLoss", "AddMetric"} <= set(META["add_loss_metric"]["class_names"])


@pytest.mark.parametrize("name", zoo.CASES)
def test_tf_keras_2_file_loads_computes_the_same_and_survives_a_tkeras_round_trip(name, tmp_path):
    model = _load(f"{zoo.ZOO_DIR}/{name}.h5", name)
    assert [type(layer).__name__ for layer in model.layers] == META[name]["class_names"]
    _check_predictions(model, name)
    path = str(tmp_path / f"{name}.h5")
    model.save(path)
    again = _load(path, name)
    assert [type(layer).__name__ for layer in again.layers] == META[name]["class_names"]
    _check_predictions(again, name)
    if name in zoo.COMPILED_CASES:
        _check_training(again, name)
        _check_training(model, name)


def test_add_metric_is_logged_under_its_name_before_any_call():
    model = _load(f"{zoo.ZOO_DIR}/add_loss_metric.h5", "add_loss_metric")
    assert "h_abs_sum" in [m.name for m in model.metrics]
    # The reporting layers hand their (scalar) input through, as tf-keras 2's do.
    assert [tuple(layer.output.shape) for layer in model.layers if type(layer).__name__.startswith("Add")] == [(), ()]


def test_op_lambda_nodes_are_written_as_tf_keras_2_writes_them():
    def tensor(name):
        return {"class_name": "__keras_tensor__", "config": {"shape": [None, 2], "keras_history": [name, 0, 0]}}
    assert op_lambda_node({"args": [tensor("d")], "kwargs": {"y": 2.0}}) == ["d", 0, 0, {"y": 2.0}]
    assert op_lambda_node({"args": [0.5], "kwargs": {"y": tensor("d")}}) == [
        "_CONSTANT_VALUE", -1, 0.5, {"y": ["d", 0, 0]}]
    assert op_lambda_node({"args": [[tensor("a"), tensor("b")]], "kwargs": {"axis": -1}}) == [
        ["a", 0, 0, {"axis": -1}], ["b", 0, 0, {"axis": -1}]]


def test_op_lambda_names_its_missing_or_refused_function():
    with pytest.raises(NotImplementedError, match=r"tf\.math\.no_such_op"):
        tf_function("math.no_such_op", "tf.math.no_such_op")
    with pytest.raises(ValueError, match=r"tf\.io\.write_file"):
        tf_function("io.write_file", "w")
    assert tf_function("compat.v1.gather") is tf_function("gather")


@pytest.mark.parametrize("name", ["keras.config.enable_unsafe_deserialization", "keras.utils.get_file",
                                  "compat.v1.keras.models.load_model", "random.set_seed", "py_function",
                                  "saved_model.load", "debugging.set_log_device_placement", "__class__"])
def test_op_lambda_refuses_what_is_not_a_tensor_computation(name):
    """Loading a file calls the function it names: a file must not reach safe mode, downloads, other
    files or global state through a TFOpLambda, whether tkeras has the function or not."""
    with pytest.raises(ValueError, match="not a tensor computation"):
        tf_function(name, "op")


def test_ema_settings_are_left_out_for_tf_keras_2_when_ema_is_off():
    """tf-keras 2 builds a .h5 file's optimizer as its legacy class, which refuses `ema_*` (its own RMSprop
    config says ema_overwrite_frequency=100, so a loaded one carries that value)."""
    config = {"class_name": "RMSprop", "config": {"rho": 0.8, "use_ema": False, "ema_momentum": 0.99,
                                                  "ema_overwrite_frequency": 100}}
    assert keras2_optimizer_config(config)["config"] == {"rho": 0.8}
    with_ema = {"class_name": "Adam", "config": {"use_ema": True, "ema_overwrite_frequency": 100}}
    assert keras2_optimizer_config(with_ema)["config"] == {"use_ema": True, "ema_overwrite_frequency": 100}


def test_loading_a_tf_function_tkeras_lacks_names_it(tmp_path):
    import shutil

    import h5py
    path = str(tmp_path / "missing.h5")
    shutil.copy(f"{zoo.ZOO_DIR}/tfop_operators.h5", path)
    with h5py.File(path, "r+") as h5:
        h5.attrs["model_config"] = h5.attrs["model_config"].replace('"function": "math.negative"',
                                                                    '"function": "math.no_such_op"')
    with pytest.raises(Exception, match=r"tf\.math\.no_such_op.*does not provide"):
        keras.models.load_model(path)


def test_tf_keras_2_optimizer_arrays_are_matched_by_variable_and_slot():
    from types import SimpleNamespace

    from tkeras.saving.tf_keras2_optimizer_state import match

    def named(*names):
        return [SimpleNamespace(name=n) for n in names]

    class Adamax:
        pass

    variables = named("iteration", "learning_rate", "d_kernel_momentum", "d_kernel_norm", "d_bias_momentum",
                      "d_bias_norm")
    legacy = ["Adamax/iter:0", "Adamax/d/kernel/m:0", "Adamax/d/bias/m:0", "Adamax/d/kernel/v:0",
              "Adamax/d/bias/v:0"]
    chosen, indices = match(Adamax(), variables, legacy)
    assert [v.name for v in chosen] == ["iteration"] + [v.name for v in variables[2:]]
    assert indices == [0, 1, 3, 2, 4]
    current = ["iteration:0", "Adamax/m/d/kernel:0", "Adamax/u/d/kernel:0", "Adamax/m/d/bias:0",
               "Adamax/u/d/bias:0"]
    assert match(Adamax(), variables, current)[1] == [0, 1, 2, 3, 4]
    assert match(Adamax(), variables, ["adamax/iteration_0", "adamax/learning_rate_1"]) is None  # tkeras' own
    assert match(Adamax(), variables, current[:-1]) is None  # a slot missing: positions decide, as before


@pytest.mark.parametrize("name", zoo.TF_OP_CASES + ["add_loss_metric"])
def test_loaded_op_layers_and_added_losses_survive_a_keras_file(name, tmp_path):
    model = _load(f"{zoo.ZOO_DIR}/{name}.h5", name)
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    again = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in again.layers] == META[name]["class_names"]
    _check_predictions(again, name)
    if name == "add_loss_metric":
        evaluation = again.evaluate(_arrays(name, "x"), _arrays(name, "y"), verbose=0, return_dict=True)
        for key, value in META[name]["evaluate"].items():
            np.testing.assert_allclose(evaluation[key], value, rtol=1e-5)


def test_tf_argument_names_reach_tkeras_functions_or_are_refused_by_name():
    from tkeras.layers.core.tf_op_layers import TFOpLambda
    x = np.array([[1.0, -2.0, 3.0]], "float32")
    multiply = TFOpLambda("math.multiply", name="m")
    np.testing.assert_allclose(multiply(0.5, y=x), 0.5 * x)  # tf-keras 2 writes `0.5 * x` so
    gather = TFOpLambda("compat.v1.gather", name="g")
    np.testing.assert_allclose(gather(x, indices=[2, 0], validate_indices=None, axis=1, batch_dims=0),
                               x[:, [2, 0]])
    matmul = TFOpLambda("linalg.matmul", name="mm")
    np.testing.assert_allclose(matmul(x, b=x, transpose_b=True), x @ x.T)
    with pytest.raises(TypeError, match="adjoint_b=True"):
        matmul(x, b=x, adjoint_b=True)
