"""Lambda and Identity: results against NumPy, shapes in every API style, masks, and saving the function."""
import json

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tkeras import backend as K
from tkeras import ops
from tkeras.saving import UnsafeLoadError, load_model, register_keras_serializable
from tkeras.models import model_from_json

L = keras.layers
RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3, 5)).astype("float32")


@register_keras_serializable(package="LambdaTest")
def doubled_square(x):
    return 2.0 * x ** 2


def scaled_sum(x, axis=1, scale=1.0):  # module level, not registered
    return scale * K.sum(x, axis=axis)


def _np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


# -- calling ---------------------------------------------------------------------------------------
def test_backend_ops_and_torch_functions_on_tensors():
    np.testing.assert_allclose(_np(L.Lambda(lambda x: K.mean(x, axis=1))(X)), X.mean(axis=1), rtol=1e-6)
    np.testing.assert_array_equal(_np(L.Lambda(lambda x: x[:, -1, :])(X)), X[:, -1, :])
    np.testing.assert_allclose(_np(L.Lambda(lambda x: ops.max(x, axis=-1))(X)), X.max(axis=-1))
    np.testing.assert_allclose(_np(L.Lambda(torch.tanh)(X)), np.tanh(X), rtol=1e-6)


def test_run_layer_test_with_a_registered_function_and_arguments():
    run_layer_test(L.Lambda, {"function": doubled_square}, input_data=X, expected_output_shape=(4, 3, 5),
                   expected_output=2 * X ** 2, expected_num_trainable_weights=0, supports_masking=False)
    from tkeras.saving import safe_mode
    with safe_mode.loading_scope(False):  # the harness's from_config round trip holds a lambda
        run_layer_test(L.Lambda, {"function": lambda x, k: x[:, :k], "arguments": {"k": 2}, "output_shape": (2, 5)},
                       input_data=X, expected_output_shape=(4, 2, 5), expected_output=X[:, :2])


def test_output_shape_tuple_callable_and_inferred():
    stack = lambda x: ops.concatenate([x, x], axis=-1)  # noqa: E731
    assert L.Lambda(stack, output_shape=(3, 10)).compute_output_shape((None, 3, 5)) == (None, 3, 10)
    assert L.Lambda(stack, output_shape=[3, 10]).compute_output_shape((7, 3, 5)) == (7, 3, 10)
    # Keras 1: a function of the whole input shape, batch axis included
    assert L.Lambda(stack, output_shape=lambda s: (s[0], s[1], 2 * s[2])).compute_output_shape((None, 3, 5)) == (
        None, 3, 10)
    assert L.Lambda(stack).compute_output_shape((None, 3, 5)) == (None, 3, 10)
    # unknown dims stay unknown: the function is probed with two sizes
    assert L.Lambda(lambda x: K.sum(x, axis=2)).compute_output_shape((None, None, 5)) == (None, None)


def test_sequential_and_summary(capsys):
    model = keras.Sequential([keras.Input((3, 5)), L.Lambda(lambda x: x[:, -1, :], name="last_step"),
                              L.Dense(2, name="head")])
    lines = []
    model.summary(print_fn=lines.append)
    row = next(line for line in lines if line.startswith("last_step"))
    assert "(None, 5)" in row
    dense = model.layers[1]
    kernel, bias = (_np(w) for w in dense.weights)
    np.testing.assert_allclose(model.predict(X, verbose=0), X[:, -1, :] @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_functional_on_a_list_of_inputs_and_several_outputs():
    a, b = keras.Input((5,)), keras.Input((5,))
    diff = L.Lambda(lambda xs: xs[0] - xs[1])([a, b])
    assert diff.shape == (None, 5)
    low, high = L.Lambda(lambda x: [x[:, :2], x[:, 2:]])(diff)
    assert (low.shape, high.shape) == ((None, 2), (None, 3))
    model = keras.Model([a, b], [low, high])
    xa, xb = RNG.standard_normal((6, 5)).astype("float32"), RNG.standard_normal((6, 5)).astype("float32")
    out_low, out_high = model.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(out_low, (xa - xb)[:, :2], rtol=1e-6)
    np.testing.assert_allclose(out_high, (xa - xb)[:, 2:], rtol=1e-6)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("Lambda" in line and "(None, 5)" in line for line in lines)


def test_functional_with_unknown_time_axis_and_integer_inputs():
    seq = keras.Input((None, 4))
    pooled = L.Lambda(lambda x: K.mean(x, axis=1))(seq)
    assert pooled.shape == (None, 4)
    ids = keras.Input((3,), dtype="int64")
    one_hot = L.Lambda(lambda x: K.one_hot(x, 5))(ids)  # needs integer probes: inferred by the graph's dry run
    assert one_hot.shape == (None, 3, 5)
    x = np.array([[0, 4, 2], [1, 1, 3]])
    np.testing.assert_array_equal(keras.Model(ids, one_hot).predict(x, verbose=0), np.eye(5)[x])


def test_mask_and_training_are_passed_only_to_functions_that_take_them():
    seen = {}

    def spy(x, mask=None, training=None):
        seen["mask"], seen["training"] = mask, training
        return x

    x = X.copy()
    x[0, 2:] = 0.0
    masked = L.Masking()(x)
    L.Lambda(spy)(masked, training=True)
    np.testing.assert_array_equal(_np(seen["mask"]), np.any(x != 0, axis=-1))
    assert seen["training"] is True
    L.Lambda(lambda t: t * 1.0)(masked)  # takes neither: no TypeError
    doubled = L.Lambda(lambda t, training=None: t * (2.0 if training else 1.0))
    np.testing.assert_allclose(_np(doubled(X, training=True)), 2 * X)
    np.testing.assert_allclose(_np(doubled(X)), X)


def test_output_mask_none_tensor_or_function():
    x = X.copy()
    x[1, :1] = 0.0
    masked = L.Masking()(x)
    assert getattr(L.Lambda(lambda t: t * 2.0)(masked), "_keras_mask", None) is None  # Keras: None drops it
    fixed = torch.tensor([[True, False, True]] * 4)
    out = L.Lambda(lambda t: t * 2.0, mask=fixed)(masked)
    np.testing.assert_array_equal(_np(out._keras_mask), _np(fixed))
    first_two = L.Lambda(lambda t: t[:, :2], mask=lambda inputs, mask: mask[:, :2])
    assert first_two.supports_masking
    np.testing.assert_array_equal(_np(first_two(masked)._keras_mask), np.any(x != 0, axis=-1)[:, :2])


def test_gradient_flows_through_the_function_and_numpy_arguments():
    scale = np.array([0.5, -2.0])  # float64, as NumPy makes it: used in the layer's float32
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, use_bias=False),
                              L.Lambda(lambda t, s: (t * s) ** 2, arguments={"s": scale})])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = RNG.standard_normal((8, 3)).astype("float32")
    y = RNG.standard_normal((8, 2)).astype("float32")
    w = _np(model.layers[0].kernel).astype("float64")
    h = x @ w * scale
    grad = x.T @ (2 * (h ** 2 - y) / y.size * 2 * h * scale)  # d mean(((xW) * s)^2 - y)^2 / dW
    model.train_on_batch(x, y)
    np.testing.assert_allclose(_np(model.layers[0].kernel), w - 0.1 * grad, rtol=1e-4, atol=1e-6)
    assert model.predict(x, verbose=0).dtype == np.float32


# -- errors ----------------------------------------------------------------------------------------
def test_errors_name_the_layer_and_argument():
    with pytest.raises(TypeError, match=r"Lambda layer 'bad'.*callable.*3"):
        L.Lambda(3, name="bad")
    with pytest.raises(TypeError, match=r"output_shape.*'x'"):
        L.Lambda(lambda t: t, output_shape="x")
    with pytest.raises(NotImplementedError, match=r"Lambda layer 'picky'.*output_shape="):
        L.Lambda(lambda t: t.reshape(-1, 7), name="picky").compute_output_shape((None, 3))
    with pytest.raises(ValueError, match=r"Lambda layer 'holds'.*captures.*Dense"):
        dense = L.Dense(2)
        L.Lambda(lambda t: dense(t), name="holds").get_config()


def test_keras1_positional_arguments_dict():
    layer = L.Lambda(lambda x, n: x[:, :n], (2, 5), {"n": 2})  # Keras 1: Lambda(function, output_shape, arguments)
    np.testing.assert_array_equal(_np(layer(X)), X[:, :2])
    assert layer.mask is None


# -- config: how the function is written -----------------------------------------------------------
def test_config_writes_functions_as_keras3_does():
    scale = 3.0

    def local_fn(x):
        return x * scale

    lam = L.Lambda(lambda x, k=2: x[:, :k] * scale).get_config()["function"]
    assert lam["class_name"] == "__lambda__"
    assert set(lam["config"]) >= {"code", "defaults", "closure"}
    assert lam["config"]["defaults"] == [2] and lam["config"]["closure"] == [3.0]
    assert L.Lambda(local_fn).get_config()["function"]["class_name"] == "__lambda__"
    assert L.Lambda(doubled_square).get_config()["function"] == {
        "module": "builtins", "class_name": "function", "config": "LambdaTest>doubled_square",
        "registered_name": "function"}
    assert L.Lambda(keras.activations.relu).get_config()["function"]["config"] == "relu"
    config = L.Lambda(scaled_sum, output_shape=(5,), arguments={"scale": np.float32(2), "axis": 1}).get_config()
    assert config["output_shape"] == (5,) and config["arguments"] == {"scale": 2.0, "axis": 1}
    json.dumps(config)


def test_direct_from_config_round_trip_and_explicit_safe_mode():
    weights = np.arange(5, dtype="float32")
    layer = L.Lambda(lambda x, w: x * w, arguments={"w": weights}, mask=torch.ones(4, 3, dtype=torch.bool))
    config = json.loads(json.dumps(layer.get_config()))
    clone = L.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(_np(clone(X)), X * weights)
    np.testing.assert_array_equal(_np(clone.compute_mask(X)), np.ones((4, 3), bool))
    with pytest.raises(UnsafeLoadError, match="safe_mode=False"):
        L.Lambda.from_config(config, safe_mode=True)


# -- saving and loading ----------------------------------------------------------------------------
def _lambda_model():
    offset = 0.5
    inputs = keras.Input((3, 5))
    h = L.Lambda(lambda x: K.mean(x, axis=1) + offset, name="pool")(inputs)
    h = L.Lambda(scaled_sum_local_free, arguments={"w": np.linspace(-1, 1, 5).astype("float32")}, name="weigh")(h)
    outputs = L.Dense(2, name="head")(h)
    return keras.Model(inputs, outputs)


def scaled_sum_local_free(x, w):
    return x * w


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_lambda_bytecode_loads_only_with_safe_mode_false(tmp_path, suffix):
    model = _lambda_model()
    path = tmp_path / f"m{suffix}"
    model.save(path)
    custom = {"scaled_sum_local_free": scaled_sum_local_free}
    with pytest.raises(UnsafeLoadError, match=r"m\.(keras|h5).*'pool'.*Lambda.*bytecode.*safe_mode=False"):
        load_model(path, custom_objects=custom)
    loaded = keras.models.load_model(path, custom_objects=custom, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    dense = model.get_layer("head")
    kernel, bias = (_np(w) for w in dense.weights)
    expected = ((X.mean(axis=1) + 0.5) * np.linspace(-1, 1, 5)) @ kernel + bias
    np.testing.assert_allclose(loaded.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_model_from_json_needs_the_same_opt_in():
    model = _lambda_model()
    text = model.to_json()
    with pytest.raises(UnsafeLoadError, match="safe_mode=False"):
        model_from_json(text, custom_objects={"scaled_sum_local_free": scaled_sum_local_free})
    rebuilt = model_from_json(text, custom_objects={"scaled_sum_local_free": scaled_sum_local_free}, safe_mode=False)
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_registered_function_loads_in_safe_mode(tmp_path, suffix):
    model = keras.Sequential([keras.Input((3, 5)), L.Lambda(doubled_square), L.Flatten(), L.Dense(1)])
    model.save(tmp_path / f"m{suffix}")
    loaded = load_model(tmp_path / f"m{suffix}")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_unregistered_function_needs_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((3, 5)), L.Lambda(scaled_sum, output_shape=(5,), arguments={"scale": 2.0})])
    model.save(tmp_path / "m.keras")
    with pytest.raises(UnsafeLoadError, match=r"'scaled_sum'.*custom_objects"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects={"scaled_sum": scaled_sum})
    np.testing.assert_allclose(loaded.predict(X, verbose=0), 2 * X.sum(axis=1), rtol=1e-5)


def _keras2_config(lambda_config):
    return {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Lambda", "config": {"name": "lam", "trainable": True, "batch_input_shape": [None, 3, 5],
                                            "arguments": {}, **lambda_config}}]}}


def test_keras2_lambda_configs():
    code = L.Lambda(lambda x: K.max(x, axis=2)).get_config()["function"]["config"]["code"]
    keras2 = _keras2_config({"function": [code, None, None], "function_type": "lambda", "module": __name__,
                             "output_shape": [3], "output_shape_type": "raw", "output_shape_module": None})
    with pytest.raises(UnsafeLoadError, match=r"'lam'.*bytecode"):
        model_from_json(json.dumps(keras2))
    model = model_from_json(json.dumps(keras2), safe_mode=False)
    np.testing.assert_allclose(model.predict(X, verbose=0), X.max(axis=2))
    assert model.layers[0].compute_output_shape((None, 3, 5)) == (None, 3)
    # a name is looked up, never imported from the module the file names
    by_name = _keras2_config({"function": "system", "function_type": "function", "module": "os",
                              "output_shape": None, "output_shape_type": "raw"})
    with pytest.raises(UnsafeLoadError, match=r"'lam'.*'system'.*custom_objects"):
        model_from_json(json.dumps(by_name), safe_mode=False)
    # only the output_shape is bytecode: refused all the same
    shape_code = L.Lambda(lambda x: x, output_shape=lambda s: s).get_config()["output_shape"]["config"]["code"]
    sneaky = _keras2_config({"function": "relu", "function_type": "function", "module": "keras.activations",
                             "output_shape": [shape_code, None, None], "output_shape_type": "lambda"})
    with pytest.raises(UnsafeLoadError, match="bytecode"):
        model_from_json(json.dumps(sneaky))
    relu = model_from_json(json.dumps(sneaky), safe_mode=False)
    np.testing.assert_allclose(relu.predict(X, verbose=0), np.maximum(X, 0))


def test_legacy_import_path_resolves():
    from tkeras import compat
    compat.install()
    try:
        from keras.layers.core import Lambda  # noqa: F401  (Keras 2 code)
        from keras.layers import Identity as KerasIdentity
    finally:
        compat.uninstall()
    assert Lambda is L.Lambda and KerasIdentity is L.Identity


# -- Identity --------------------------------------------------------------------------------------
def test_identity_passes_inputs_and_masks_through():
    run_layer_test(L.Identity, {}, input_data=X, expected_output_shape=(4, 3, 5), expected_output=X,
                   expected_num_trainable_weights=0, supports_masking=True)
    x = X.copy()
    x[2, 1:] = 0.0
    masked = L.Masking()(x)
    out = L.Identity()(masked)
    np.testing.assert_array_equal(_np(out._keras_mask), np.any(x != 0, axis=-1))
    a, b = keras.Input((5,)), keras.Input((2,))
    same = L.Identity()([a, b])
    assert [t.shape for t in same] == [(None, 5), (None, 2)]
    model = keras.Sequential([keras.Input((3, 5)), L.Identity(name="noop"), L.Flatten()])
    lines = []
    model.summary(print_fn=lines.append)
    assert "(None, 3, 5)" in next(line for line in lines if line.startswith("noop"))
    np.testing.assert_array_equal(model.predict(X, verbose=0), X.reshape(4, -1))


def test_a_direct_from_config_refuses_bytecode_unless_allowed(monkeypatch):
    from tkeras.saving import safe_mode
    from tkeras.saving.errors import UnsafeLoadError
    config = keras.layers.Lambda(lambda x: x * 3.0).get_config()
    with pytest.raises(UnsafeLoadError, match="bytecode"):
        keras.layers.Lambda.from_config(config)
    tripled = keras.layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(tripled(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    with safe_mode.loading_scope(False):  # what load_model(..., safe_mode=False) opens
        keras.layers.Lambda.from_config(config)
    with safe_mode.loading_scope(True), pytest.raises(UnsafeLoadError):
        keras.layers.Lambda.from_config(config)
    from tkeras.backend import config as backend_config
    monkeypatch.setattr(backend_config, "_UNSAFE_DESERIALIZATION", False)
    keras.config.enable_unsafe_deserialization()
    assert safe_mode.bytecode_allowed()
    keras.layers.Lambda.from_config(config)


def test_keras_applications_loads_on_first_access():
    import tkeras.applications
    assert keras.applications is tkeras.applications and keras.applications.VGG16 is tkeras.applications.vgg16.VGG16
