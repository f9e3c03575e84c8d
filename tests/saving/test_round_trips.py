"""tkeras -> file -> tkeras through every format: same predictions (exactly), same configs."""
import json

import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import (
    CustomObjectScope, SavingError, WeightMismatchError, load_model, register_keras_serializable,
)
from tkeras.models import model_from_config, model_from_json


def _mlp():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                             keras.layers.Dropout(0.1), keras.layers.Dense(2, activation="softmax")])


def _builders():
    L = keras.layers
    yield "mlp", _mlp, lambda rng: rng.standard_normal((5, 4)).astype("float32")
    yield "keras1_dense", lambda: keras.Sequential([L.Dense(8, input_dim=4, init="uniform", activation="relu"),
                                                    L.Dense(1, activation="sigmoid")]), \
        lambda rng: rng.standard_normal((5, 4)).astype("float32")
    if all(hasattr(L, n) for n in ("Embedding", "Conv1D", "MaxPooling1D", "Bidirectional", "LSTM")):
        yield "seed002", lambda: keras.Sequential([
            L.Embedding(30, 8), L.Dropout(0.5), L.Conv1D(4, 3, padding="valid", activation="relu", strides=1),
            L.MaxPooling1D(pool_size=2), L.Bidirectional(L.LSTM(3, return_sequences=True)), L.Dropout(0.5),
            L.Bidirectional(L.LSTM(2)), L.Dense(1, activation="sigmoid")]), \
            lambda rng: rng.integers(0, 30, (4, 14)).astype("int32")
    if all(hasattr(L, n) for n in ("Embedding", "SimpleRNN")):
        yield "seed000_rnn", lambda: keras.Sequential([L.Embedding(50, 4), L.SimpleRNN(3),
                                                       L.Dense(1, activation="sigmoid")]), \
            lambda rng: rng.integers(0, 50, (4, 9)).astype("int32")
    if all(hasattr(L, n) for n in ("Conv2D", "BatchNormalization", "MaxPooling2D")):
        yield "cnn_batchnorm", lambda: keras.Sequential([
            keras.Input((6, 6, 2)), L.Conv2D(3, 3, activation="relu"), L.BatchNormalization(),
            L.MaxPooling2D(2), L.Flatten(), L.Dense(2, activation="softmax")]), \
            lambda rng: rng.standard_normal((3, 6, 6, 2)).astype("float32")
    if all(hasattr(L, n) for n in ("Embedding", "GRU")):
        yield "gru", lambda: keras.Sequential([L.Embedding(50, 4), L.GRU(3), L.Dense(2)]), \
            lambda rng: rng.integers(0, 50, (4, 9)).astype("int32")


BUILDERS = {name: (build, data) for name, build, data in _builders()}


def _built(name):
    build, data = BUILDERS[name]
    rng = np.random.default_rng(0)
    x = data(rng)
    model = build()
    model.predict(x, verbose=0)  # build, then give every weight (moving statistics too) its own value
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in model.get_weights()])
    reference = model.predict(x, verbose=0)
    return model, x, reference


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("filename", ["m.keras", "m.h5", "m.hdf5", "bare_name"])
def test_model_round_trip_is_exact(name, filename, tmp_path):
    model, x, reference = _built(name)
    model.save(tmp_path / filename)
    loaded = load_model(tmp_path / filename)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), reference)
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    assert [l.get_config() for l in loaded.layers] == [l.get_config() for l in model.layers]


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("filename", ["w.weights.h5", "w.h5", "checkpoint"])
def test_weights_round_trip_is_exact(name, filename, tmp_path):
    model, x, reference = _built(name)
    model.save_weights(tmp_path / filename)
    fresh = BUILDERS[name][0]()
    fresh.predict(x, verbose=0)  # build
    fresh.load_weights(tmp_path / filename)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), reference)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_json_and_config_round_trip(name):
    model, x, reference = _built(name)
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x, verbose=0), reference)
    assert json.loads(clone.to_json())["config"]["layers"] == json.loads(model.to_json())["config"]["layers"]
    again = model_from_config(model.get_config())
    assert [l.name for l in again.layers] == [l.name for l in model.layers]


def test_load_weights_by_name_and_skip_mismatch(tmp_path):
    model, x, _ = _built("mlp")
    model.save_weights(tmp_path / "w.h5")
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="dense"),
                              keras.layers.Dense(5, name="dense_1"), keras.layers.Dense(2, name="new")])
    before = other.get_weights()
    with pytest.raises(WeightMismatchError, match=r"layer 'dense_1'.*\(3, 2\)|layer 'dense_1'"):
        other.load_weights(tmp_path / "w.h5", by_name=True)
    with pytest.warns(UserWarning, match="dense_1"):
        other.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], model.layers[0].get_weights()[0])
    np.testing.assert_array_equal(other.layers[1].get_weights()[0], before[2])  # skipped: unchanged
    np.testing.assert_array_equal(other.layers[2].get_weights()[0], before[4])  # not in the file


def test_shape_mismatch_names_file_and_layer(tmp_path):
    model, _, _ = _built("mlp")
    model.save_weights(tmp_path / "w.weights.h5")
    wider = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), keras.layers.Dense(2)])
    with pytest.raises(WeightMismatchError, match=r"w\.weights\.h5.*dense"):
        wider.load_weights(tmp_path / "w.weights.h5")


class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_objects_scope_and_registration(tmp_path):
    model = keras.Sequential([keras.Input((2,)), Scale(3.0), keras.layers.Dense(1)])
    x = np.ones((2, 2), "float32")
    model.save(tmp_path / "m.keras")
    with pytest.raises(SavingError, match=r"layer 'scale' is of unknown class 'Scale'.*custom_objects"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with CustomObjectScope({"Scale": Scale}):
        assert load_model(tmp_path / "m.keras").layers[0].factor == 3.0

    @register_keras_serializable(package="tests")
    class Shift(Scale):
        def call(self, inputs):
            return inputs + self.factor

    registered = keras.Sequential([keras.Input((2,)), Shift(1.5)])
    registered.save(tmp_path / "r.h5")
    np.testing.assert_array_equal(load_model(tmp_path / "r.h5").predict(x, verbose=0), x + 1.5)


@pytest.mark.parametrize("filename", ["m.keras", "m.h5"])
def test_compiled_metrics_with_arguments_come_back(tmp_path, filename):
    """A metric object in the compile config is rebuilt with its arguments (MeanIoU needs num_classes);
    names stay names, so the logs keep their keys."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.MeanIoU(num_classes=3, sparse_y_pred=False, name="miou")])
    x = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
    y = np.arange(8) % 3
    model.fit(x, y, verbose=0)
    model.save(tmp_path / filename)
    loaded = keras.saving.load_model(tmp_path / filename)
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(
        model.evaluate(x, y, verbose=0, return_dict=True))


def test_input_shape_on_a_first_layer_is_written_as_keras_3_writes_it(tmp_path):
    """Keras 3 refuses a layer config holding `batch_input_shape`; the InputLayer entry carries the shape."""
    import zipfile
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        layers = json.loads(archive.read("config.json"))["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer" and layers[0]["config"]["batch_shape"] == [None, 3]
    assert not any("batch_input_shape" in entry["config"] for entry in layers)
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(load_model(tmp_path / "m.keras").predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_model_compiled_with_multi_optimizer_reloads_compiled(tmp_path):
    optimizers = keras.optimizers
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    mapping = optimizers.OptimizerMap(optimizers.SGD(0.1, momentum=0.5), {"bias": optimizers.Adam(0.05)})
    model.compile(optimizer=optimizers.MultiOptimizer(mapping), loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "m.keras")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "loaded but not compiled" would be a warning
        loaded = load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer).__name__ == "MultiOptimizer"
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def _softer_relu(t):
    return keras.ops.relu(t) * 0.5


@pytest.mark.parametrize("filename", ["m.keras", "m.h5"])
def test_a_custom_activation_function_comes_back_through_custom_objects(tmp_path, filename):
    # Keras 3.15 writes any function as {"module": "builtins", "class_name": "function", "config": name},
    # so the load finds it in custom_objects; tkeras once wrote the bare name, which only built-ins resolve.
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation=_softer_relu)])
    assert model.layers[0].get_config()["activation"] == {
        "module": "builtins", "class_name": "function", "config": "_softer_relu", "registered_name": "function"}
    model.save(tmp_path / filename)
    with pytest.raises(Exception, match="_softer_relu.*custom_objects"):
        load_model(tmp_path / filename)
    loaded = load_model(tmp_path / filename, custom_objects={"_softer_relu": _softer_relu})
    x = np.array([[1.0, -2.0, 3.0]], "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras2_bare_activation_names_resolve_in_a_custom_object_scope():
    # tf-keras 2 wrote a custom activation as its bare name ("activation": "_softer_relu").
    with pytest.raises(ValueError, match="_softer_relu"):
        keras.activations.get("_softer_relu")
    with CustomObjectScope({"_softer_relu": _softer_relu}):
        assert keras.activations.get("_softer_relu") is _softer_relu
        layer = keras.layers.Dense.from_config({"units": 2, "activation": "_softer_relu"})
    assert layer.activation is _softer_relu


def test_registered_functions_serialize_by_their_registered_name():
    @register_keras_serializable(package="tests", name="halved")
    def halve(t):
        return t / 2

    config = keras.saving.serialize_keras_object(halve)
    assert config == {"module": "builtins", "class_name": "function", "config": "tests>halved",
                      "registered_name": "function"}
    assert keras.saving.deserialize_keras_object(config) is halve
    assert keras.layers.Dense(1, activation=halve).get_config()["activation"]["config"] == "tests>halved"
