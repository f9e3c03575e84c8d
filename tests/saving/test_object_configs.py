"""Every config real Keras 3.15.1 writes for a public object comes back, through every route.

The configs were written once by real Keras (tests/fixtures/make_object_configs.py); each is read by
the namespace's `deserialize`, by `Class.from_config` and by `saving.deserialize_keras_object`, and
must give the same class with `get_config()` equal to Keras' (compared after the config normaliser).
Entries of tests/fixtures/object_configs_known_gaps.json must still fail (strict), so the list of gaps
shrinks as classes land. The rest of the file checks the rules of `deserialize_keras_object` one by one.
"""
import json

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import saving
from tkeras.saving.errors import UnsafeLoadError
from tests.saving import object_configs as oc

KERAS3 = oc.load("keras3")
GAPS = oc.known_gaps()


def _object_params():
    for entry in KERAS3["objects"]:
        gap = GAPS["missing"].get(f"{entry['namespace']}.{entry['class_name']}") or GAPS["differences"].get(
            f"{entry['namespace']}:{entry['key']}")
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        yield pytest.param(entry, id=f"{entry['namespace']}:{entry['key']}", marks=marks)


@pytest.mark.parametrize("entry", list(_object_params()))
def test_keras3_object_config_comes_back_through_every_route(entry):
    assert oc.check_object(entry) == []


@pytest.mark.parametrize("entry", KERAS3["functions"], ids=lambda e: f"{e['namespace']}:{e['name']}")
def test_keras3_function_config_comes_back_through_every_route(entry):
    assert oc.check_function(entry) == []


def test_every_public_keras_class_is_accounted_for():
    """A class Keras has but the fixture skipped must carry a reason; the gap list names only real entries."""
    built = {f"{e['namespace']}.{e['class_name']}" for e in KERAS3["objects"]}
    assert all(item["reason"] for item in KERAS3["not_built"])
    assert KERAS3["failures"] == []
    assert set(GAPS["missing"]) <= built
    keys = {f"{e['namespace']}:{e['key']}" for e in KERAS3["objects"]}
    assert set(GAPS["differences"]) <= keys
    # 317 object configs (248 classes, 69 more with non-default arguments) and 77 functions: all come back
    assert len(KERAS3["objects"]) == 317 and not GAPS["missing"] and not GAPS["differences"]


def _other_release_params(flavour):
    gaps = GAPS[flavour]
    for entry in oc.load(flavour)["objects"]:
        gap = gaps["missing"].get(f"{entry['namespace']}.{entry['class_name']}") or gaps["differences"].get(
            f"{entry['namespace']}:{entry['key']}")
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        yield pytest.param(entry, id=f"{flavour}:{entry['namespace']}:{entry['key']}", marks=marks)


@pytest.mark.parametrize("entry", list(_other_release_params("tf_keras2")) + list(_other_release_params("keras3_0")))
def test_other_release_object_config_comes_back_through_every_route(entry):
    """tf-keras 2.21's configs (its Keras 3-style dicts and the Keras 2 `class_name`/`config` form) and
    Keras 3.0.0's (source modules such as keras.src.initializers.random_initializers, registered names
    for built-ins, OrthogonalInitializer, metric dtype null, RandomRotation's value_range)."""
    assert oc.check_object_other_release(entry) == []


# -- the same name in two namespaces -------------------------------------------------------------
def test_module_tells_the_identity_initializer_from_the_identity_layer():
    initializer = saving.deserialize_keras_object(
        {"module": "keras.initializers", "class_name": "Identity", "config": {}, "registered_name": None})
    layer = saving.deserialize_keras_object(
        {"module": "keras.layers", "class_name": "Identity", "config": {"name": "same"}, "registered_name": None})
    assert isinstance(initializer, keras.initializers.Identity)
    assert isinstance(layer, keras.layers.Identity) and layer.name == "same"
    np.testing.assert_array_equal(np.asarray(initializer((2, 2))), np.eye(2))
    # Keras 3.15.1 writes {} and so loses a gain; tkeras keeps one that is not 1 (Keras reads it back).
    assert keras.initializers.Identity(gain=3.0).get_config() == {"gain": 3.0}
    assert keras.initializers.Identity().get_config() == {}


def test_a_namespace_deserialize_prefers_its_own_class_when_no_module_is_written():
    assert isinstance(keras.initializers.deserialize({"class_name": "Identity", "config": {}}),
                      keras.initializers.Identity)
    assert isinstance(keras.layers.deserialize({"class_name": "Identity", "config": {}}), keras.layers.Identity)


@pytest.mark.parametrize("module,class_name,expected", [
    ("keras.metrics", "Mean", keras.metrics.Mean),
    ("keras.losses", "BinaryCrossentropy", keras.losses.BinaryCrossentropy),
    ("keras.metrics", "BinaryCrossentropy", keras.metrics.BinaryCrossentropy),
    ("keras.layers", "Multiply", keras.layers.Multiply),
    ("keras.layers", "Reshape", keras.layers.Reshape),
    ("keras.layers", "Concatenate", keras.layers.Concatenate),
])
def test_module_selects_the_namespace(module, class_name, expected):
    config = {"module": module, "class_name": class_name, "config": {}, "registered_name": None}
    if class_name == "Reshape":
        config["config"] = {"target_shape": [2, 2]}
    assert type(saving.deserialize_keras_object(config)) is expected


def test_keras2_loss_or_metric_without_module_is_told_by_its_keys():
    loss = saving.deserialize_keras_object({"class_name": "Poisson", "config": {"name": "p", "reduction": "auto"}})
    metric = saving.deserialize_keras_object({"class_name": "Poisson", "config": {"name": "p", "dtype": "float32"}})
    assert type(loss) is keras.losses.Poisson and type(metric) is keras.metrics.Poisson


@pytest.mark.parametrize("class_name", ["Multiply", "Reshape", "Concatenate", "Mean"])
def test_a_keras_operation_class_is_not_taken_for_the_layer_of_the_same_name(class_name):
    config = {"module": "keras.src.ops.numpy", "class_name": class_name, "config": {}, "registered_name": None}
    with pytest.raises(ValueError, match=f"'{class_name}'.*operations"):
        saving.deserialize_keras_object(config)


# -- the config normaliser ------------------------------------------------------------------------
def test_variance_scaling_honours_input_and_output_axes():
    from tkeras.initializers import compute_fans
    assert compute_fans((2, 3, 4), input_axes=[0], output_axes=[1, 2]) == (2, 12)
    assert compute_fans((2, 3, 4)) == (6, 8)  # the default rule: (..., in, out)
    init = keras.initializers.deserialize({
        "module": "keras.initializers", "class_name": "VarianceScaling",
        "config": {"seed": 1, "scale": 1.0, "mode": "fan_out", "distribution": "uniform", "input_axes": [0],
                   "output_axes": [1, 2]}, "registered_name": None})
    values = np.asarray(init((2, 3, 4)))
    limit = np.sqrt(3.0 / 12)  # uniform on [-limit, limit] has variance scale / fan_out
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.5 * limit
    assert init.get_config()["input_axes"] == [0] and init.get_config()["output_axes"] == [1, 2]


def test_no_op_keys_are_dropped_and_other_values_refused_naming_class_and_key():
    config = {"units": 2, "quantization_config": None, "name": "d"}
    assert keras.layers.Dense.from_config(config).units == 2
    with pytest.raises(ValueError, match=r"Dense: quantization_config=\{'mode': 'int8'\}"):
        keras.layers.Dense.from_config({"units": 2, "quantization_config": {"mode": "int8"}})
    with pytest.raises(ValueError, match=r"MultiHeadAttention: the config key 'softmax_robust_masking' = True "
                                         r"asks for something"):
        keras.layers.MultiHeadAttention.from_config({"num_heads": 2, "key_dim": 2, "softmax_robust_masking": True})
    embedding = keras.layers.Embedding.from_config({"input_dim": 3, "output_dim": 2, "lora_rank": 4})
    embedding.build((None, 1))  # LoRA on Embedding is supported (tests/layers/test_lora_breadth.py)
    assert embedding.lora_enabled and embedding.lora_rank == 4


def test_a_key_no_keras_release_wrote_is_refused_naming_class_and_key():
    with pytest.raises(ValueError, match="RandomNormal: unknown config key 'spread'"):
        keras.initializers.deserialize({"class_name": "RandomNormal", "config": {"mean": 0.0, "spread": 1.0}})
    with pytest.raises(ValueError, match="RandomNormal: unknown config key 'spread'"):
        keras.initializers.RandomNormal.from_config({"mean": 0.0, "spread": 1.0})
    with pytest.raises(ValueError, match="MaxNorm: unknown config key 'rate'"):
        keras.constraints.MaxNorm.from_config({"max_value": 2, "rate": 1.0})
    with pytest.raises(TypeError, match=r"Dense: unexpected keyword argument\(s\) \['spread'\]"):
        keras.layers.deserialize({"class_name": "Dense", "config": {"units": 2, "spread": 1.0}})


def test_zero_padding1d_from_a_keras3_config():
    layer = keras.layers.deserialize({
        "module": "keras.layers", "class_name": "ZeroPadding1D", "registered_name": None,
        "config": {"name": "zp", "trainable": True, "padding": [1, 2], "data_format": "channels_first",
                   "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                             "registered_name": None}}})
    x = np.arange(6, dtype="float32").reshape(1, 2, 3)  # channels first: 2 channels, 3 steps
    expected = np.pad(x, ((0, 0), (0, 0), (1, 2)))
    np.testing.assert_array_equal(np.asarray(layer(x)), expected)
    assert layer.get_config()["data_format"] == "channels_first"
    np.testing.assert_array_equal(np.asarray(keras.layers.ZeroPadding1D(1)(x)), np.pad(x, ((0, 0), (1, 1), (0, 0))))


def test_autocast_false_keeps_the_layer_in_its_inputs_dtype_under_a_mixed_policy():
    from tkeras import mixed_precision
    previous = mixed_precision.global_policy()
    mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        x = np.ones((2, 3), dtype="float32")
        casting = keras.layers.Dense(2)
        keeping = keras.layers.Dense.from_config({**casting.get_config(), "name": "keep", "autocast": False})
        assert casting(x).dtype == torch.bfloat16
        assert keeping(x).dtype == torch.float32
    finally:
        mixed_precision.set_global_policy(previous)


def test_input_layer_takes_keras3_optional_and_ragged_keys():
    config = {"batch_shape": [None, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "x",
              "optional": True}
    layer = keras.layers.InputLayer.from_config(config)
    assert layer.optional and layer.get_config() == config


class _AddIfGiven(keras.layers.Layer):
    def call(self, x, y=None):
        return x if y is None else x + y


def test_an_optional_input_may_be_left_out_also_after_a_save(tmp_path):
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b", optional=True)
    model = keras.Model([a, b], _AddIfGiven()(a, b))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(model([x, x])), 2 * x)
    np.testing.assert_array_equal(np.asarray(model([x, None])), x)
    with pytest.raises(ValueError, match="input 'a' is None, but only an input made with Input"):
        model([None, x])
    model.save(tmp_path / "optional.keras")
    loaded = saving.load_model(tmp_path / "optional.keras", custom_objects={"_AddIfGiven": _AddIfGiven})
    np.testing.assert_array_equal(np.asarray(loaded({"a": x, "b": None})), x)


# -- deserialize_keras_object's other rules -------------------------------------------------------
def test_functions_by_name_registered_or_passed_and_never_imported():
    assert saving.deserialize_keras_object(
        {"module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    ) is keras.activations.relu
    assert saving.deserialize_keras_object(
        {"module": "builtins", "class_name": "function", "config": "mean_squared_error",
         "registered_name": "function"}) is keras.losses.mean_squared_error

    def shout(x):
        return x

    config = {"module": "os", "class_name": "function", "config": "system", "registered_name": "function"}
    with pytest.raises(ValueError, match="Unknown function 'system'.*never imported"):
        saving.deserialize_keras_object(config)
    assert saving.deserialize_keras_object({**config, "config": "shout"}, custom_objects={"shout": shout}) is shout


@pytest.fixture
def clean_registry():
    """Registrations made by a test are removed after it (the registry is process-wide)."""
    before = dict(saving.get_custom_objects())
    yield
    saving.get_custom_objects().clear()
    saving.get_custom_objects().update(before)


def test_registered_class_round_trip_by_registered_name(clean_registry):
    @saving.register_keras_serializable(package="TestPkg")
    class RegisteredScale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = saving.serialize_keras_object(RegisteredScale(3.0, name="s"))
    assert config["registered_name"] == "TestPkg>RegisteredScale"
    assert saving.get_registered_name(RegisteredScale) == "TestPkg>RegisteredScale"
    assert saving.get_registered_object("TestPkg>RegisteredScale") is RegisteredScale
    rebuilt = saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(rebuilt) is RegisteredScale and rebuilt.factor == 3.0


def test_custom_object_scope_is_seen_by_deserialize():
    class Twice(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    config = {"module": "mine", "class_name": "Twice", "config": {"name": "t"}, "registered_name": "Twice"}
    with pytest.raises(ValueError, match="Unknown layer or object class 'Twice'"):
        saving.deserialize_keras_object(config)
    with saving.custom_object_scope({"Twice": Twice}):
        assert type(saving.deserialize_keras_object(config)) is Twice


def test_shared_object_ids_come_back_as_one_object():
    dense = {"module": "keras.layers", "class_name": "Dense", "config": {"units": 2, "name": "shared"},
             "registered_name": None, "shared_object_id": 7}
    first, second = saving.deserialize_keras_object([dense, dense])
    assert first is second
    third, fourth = saving.deserialize_keras_object([dense, {**dense, "shared_object_id": 8}])
    assert third is not fourth


def test_plain_value_spellings():
    array = saving.deserialize_keras_object({"class_name": "__numpy__",
                                             "config": {"value": [[1, 2]], "dtype": "int32"}})
    assert array.dtype == np.int32 and array.tolist() == [[1, 2]]
    assert saving.deserialize_keras_object({"class_name": "__bytes__", "config": {"value": "ab"}}) == b"ab"
    with pytest.raises(ValueError, match="dtype object cannot come from a config"):
        saving.deserialize_keras_object({"class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}})
    assert saving.deserialize_keras_object({"class_name": "__ellipsis__", "config": {}}) is Ellipsis
    assert saving.deserialize_keras_object(
        {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": 2}}) == slice(1, None, 2)
    written = saving.serialize_keras_object({"a": np.array([1.5, 2.5], dtype="float32"), "b": slice(0, 3), "c": b"x"})
    assert saving.deserialize_keras_object(written)["a"].tolist() == [1.5, 2.5]
    assert saving.deserialize_keras_object(written)["b"] == slice(0, 3)


def test_a_lambda_in_a_config_is_refused_in_safe_mode():
    config = saving.serialize_keras_object(lambda x: x + 1)
    assert config["class_name"] == "__lambda__"
    with pytest.raises(UnsafeLoadError, match="lambda"):
        saving.deserialize_keras_object(config)


def test_the_callers_safe_mode_false_reaches_the_classes_being_rebuilt():
    config = saving.serialize_keras_object(keras.layers.Lambda(lambda x: x * 3.0, name="triple"))
    with pytest.raises(UnsafeLoadError):
        saving.deserialize_keras_object(config)
    layer = saving.deserialize_keras_object(config, safe_mode=False)
    np.testing.assert_allclose(np.asarray(layer(np.ones((1, 2), "float32"))), [[3.0, 3.0]])
    from tkeras.saving.safe_mode import in_safe_mode
    assert in_safe_mode() is None  # the opt-in ends with the call


def test_build_config_builds_the_layer():
    config = keras.layers.serialize(keras.layers.Dense(3))
    config["build_config"] = {"input_shape": [None, 5]}
    layer = keras.layers.deserialize(config)
    assert layer.built and tuple(layer.kernel.shape) == (5, 3)


def test_serialize_writes_keras3_modules():
    assert saving.serialize_keras_object(keras.layers.Dense(2))["module"] == "keras.layers"
    assert saving.serialize_keras_object(keras.initializers.HeNormal())["module"] == "keras.initializers"
    assert saving.serialize_keras_object(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))["module"] == \
        "keras.optimizers.schedules"
    assert saving.serialize_keras_object(keras.activations.relu) == {
        "module": "builtins", "class_name": "function", "config": "relu", "registered_name": "function"}
    assert keras.layers.serialize(keras.layers.Dense(2), use_legacy_format=True)["class_name"] == "Dense"
    with pytest.raises(TypeError, match="layers.serialize: expected a Layer"):
        keras.layers.serialize("dense")


# -- the newer activations, against closed forms --------------------------------------------------
X = np.linspace(-3, 3, 13).astype("float32")


@pytest.mark.parametrize("name,reference", [
    ("celu", lambda x: np.where(x > 0, x, np.expm1(x))),
    ("hard_shrink", lambda x: np.where(np.abs(x) > 0.5, x, 0.0)),
    ("hard_tanh", lambda x: np.clip(x, -1, 1)),
    ("log_sigmoid", lambda x: -np.log1p(np.exp(-x))),
    ("soft_shrink", lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
    ("sparse_plus", lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("sparse_sigmoid", lambda x: np.clip((x + 1) / 2, 0, 1)),
    ("squareplus", lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("tanh_shrink", lambda x: x - np.tanh(x)),
])
def test_newer_activations_by_name(name, reference):
    fn = keras.activations.get(name)
    np.testing.assert_allclose(np.asarray(fn(torch.tensor(X))), reference(X.astype("float64")), rtol=1e-5, atol=1e-6)
    assert keras.activations.serialize(fn) == name


def test_glu_sparsemax_threshold():
    x = torch.tensor([[1.0, 2.0, -1.0, 0.5]])
    a, b = np.array([1.0, 2.0]), np.array([-1.0, 0.5])
    np.testing.assert_allclose(np.asarray(keras.activations.glu(x)), [a / (1 + np.exp(-b))], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(keras.activations.sparsemax(torch.tensor([[1.0, 2.0, -1.0]]))),
                               [[0.0, 1.0, 0.0]], atol=1e-6)
    np.testing.assert_allclose(np.asarray(keras.activations.sparsemax(torch.tensor([[0.5, 0.25]]))),
                               [[0.625, 0.375]], atol=1e-6)
    np.testing.assert_array_equal(np.asarray(keras.activations.threshold(x, 0.7, -5.0)), [[1.0, 2.0, -5.0, -5.0]])


# -- the reverse: real Keras reads what tkeras writes ---------------------------------------------
READ_BACK = json.load(open(f"{oc.FIXTURES}/object_configs_keras_reads_tkeras.json"))


def test_real_keras_read_every_tkeras_config_back_as_the_same_object():
    """Recorded once by Keras 3.15.1 (make_keras_reads_tkeras_configs.py): each config tkeras wrote came
    back in Keras as the same class, with the config Keras itself writes for the original object."""
    results = READ_BACK["keras_results"]
    assert len(results) >= 268 and set(results.values()) == {"ok"}


@pytest.mark.parametrize("key", sorted(READ_BACK["tkeras_configs"]))
def test_tkeras_still_writes_the_config_real_keras_read(key):
    namespace, name = key.split(":")
    entry = next(e for e in KERAS3["objects"] if e["namespace"] == namespace and e["key"] == name)
    obj = saving.deserialize_keras_object(entry["saving_serialized"])
    written = oc._plain(saving.serialize_keras_object(obj))
    assert oc.differences(written, READ_BACK["tkeras_configs"][key]) == []


# -- a whole Keras 3.15.1 file with those keys ------------------------------------------------------
def test_keras3_model_with_the_new_config_keys_loads_and_predicts_the_same(tmp_path):
    """k3_config_keys.keras (make_config_keys_golden.py): ZeroPadding1D with data_format, initializers with
    input_axes/output_axes, Dense quantization_config, InputLayer optional, BatchNormalization renorm
    keys, an Identity layer beside an Identity initializer, Adam with clipnorm. Saved again by tkeras,
    real Keras 3.15.1 read it back to the same outputs (checked once when the file was made)."""
    io = json.load(open(f"{oc.FIXTURES}/k3_config_keys_io.json"))
    model = saving.load_model(f"{oc.FIXTURES}/k3_config_keys.keras")
    x = np.array(io["x"], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.array(io["y"]), atol=1e-5)
    assert [type(layer).__name__ for layer in model.layers] == [
        "ZeroPadding1D", "Conv1D", "BatchNormalization", "LSTM", "Identity", "GlobalAveragePooling1D", "Dense", "Dense"]
    assert isinstance(model.layers[6].kernel_initializer, keras.initializers.Identity)
    assert model.optimizer.clipnorm == 1.0
    model.save(tmp_path / "again.keras")
    again = saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), np.array(io["y"]), atol=1e-5)


def test_compile_config_compiles_the_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    config = saving.serialize_keras_object(model)
    config["compile_config"] = {
        "optimizer": {"module": "keras.optimizers", "class_name": "SGD", "config": {"learning_rate": 0.5},
                      "registered_name": None},
        "loss": {"module": "builtins", "class_name": "function", "config": "mean_squared_error",
                 "registered_name": "function"},
        "loss_weights": None, "metrics": None, "weighted_metrics": None, "run_eagerly": False,
        "steps_per_execution": 1, "jit_compile": False}
    rebuilt = saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(rebuilt.optimizer).__name__ == "SGD"
    assert float(np.asarray(rebuilt.optimizer.learning_rate)) == pytest.approx(0.5)
