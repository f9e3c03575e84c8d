"""Wrapper (base of TimeDistributed and SpectralNormalization), Pipeline, and TorchModuleWrapper:
weights tracked and trained, Keras' file layout, and the safe-loading refusal of pickled modules."""
import io
import zipfile

import h5py
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layers.reference_13b import numpy
from tkeras import layers
from tkeras.saving import UnsafeLoadError


def test_wrapper_is_the_base_of_keras_wrappers_and_round_trips_its_layer():
    assert issubclass(layers.TimeDistributed, layers.Wrapper)
    assert issubclass(layers.SpectralNormalization, layers.Wrapper)
    assert not issubclass(layers.Bidirectional, layers.Wrapper)  # a plain Layer in Keras 3 too

    class Twice(layers.Wrapper):
        def call(self, inputs):
            return self.layer(self.layer(inputs))

    twice = Twice(layers.Dense(3, kernel_initializer="identity", bias_initializer="ones"), name="twice")
    np.testing.assert_allclose(numpy(twice(np.zeros((1, 3), "float32"))), [[2.0, 2.0, 2.0]])
    config = twice.get_config()
    assert list(config) == ["name", "trainable", "dtype", "layer"]
    clone = Twice.from_config(config)
    assert clone.layer.units == 3 and clone.name == "twice"
    with pytest.raises(ValueError, match="Twice: `layer` must be a Layer instance, received 3"):
        Twice(3)


def test_pipeline_applies_its_layers_in_order_with_keras_config():
    pipeline = layers.Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=-1.0)], name="prep")
    x = np.array([[1.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(numpy(pipeline(x)), [[1.0, 3.0]])
    config = pipeline.get_config()
    assert list(config) == ["layers", "name"] and config["name"] == "prep"
    assert [entry["class_name"] for entry in config["layers"]] == ["Rescaling", "Rescaling"]
    clone = layers.Pipeline.from_config(config)
    np.testing.assert_allclose(numpy(clone(x)), [[1.0, 3.0]])
    assert [type(layer).__name__ for layer in clone.layers] == ["Rescaling", "Rescaling"]
    with pytest.raises(ValueError, match="`layers` must be a list of layer instances"):
        layers.Pipeline(layers.Rescaling(2.0))
    with pytest.raises(ValueError, match="must hold 'layers', a list of layer configs"):
        layers.Pipeline.from_config({"name": "p"})


def test_pipeline_builds_its_layers_in_a_functional_model_and_saves_them_where_keras_does(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Pipeline([layers.Rescaling(2.0), layers.Dense(4), layers.Dense(2)])(inputs))
    assert [tuple(w.shape) for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]  # before any call
    path = str(tmp_path / "pipeline.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        h5 = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        assert sorted(h5["layers/pipeline/layers"].keys()) == ["dense", "dense_1", "rescaling"]
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))


def test_pipeline_trains_augmentations_by_default_and_not_in_predict():
    pipeline = layers.Pipeline([layers.RandomFlip("horizontal", seed=3)])
    images = np.arange(2 * 4 * 4 * 1, dtype="float32").reshape(2, 4, 4, 1)
    flipped = [not np.array_equal(numpy(pipeline(images)), images) for _ in range(8)]
    assert any(flipped)  # Keras' default training=True: augmentations active on a plain call
    np.testing.assert_array_equal(numpy(pipeline(images, training=False)), images)
    model = keras.Sequential([keras.Input((4, 4, 1)), pipeline])
    np.testing.assert_array_equal(model.predict(images, verbose=0), images)


def _torch_model():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 1))
    return keras.Sequential([keras.Input((4,)), layers.TorchModuleWrapper(module, name="torchy")])


def test_torch_module_parameters_are_weights_and_train_in_fit():
    model = _torch_model()
    wrapper = model.layers[0]
    module = wrapper.module
    assert [tuple(w.shape) for w in wrapper.weights] == [(8, 4), (8,), (8,), (8,), (1, 8), (1,)]
    assert all(a is b for a, b in zip(wrapper.weights, module.parameters()))  # the module computes with them
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    y = x.sum(1, keepdims=True)
    model.compile("adam", "mse")
    before = model.get_weights()
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    assert float(module[1].num_batches_tracked) == 16  # the module ran in train mode in fit
    with torch.no_grad():
        expected = module.eval()(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)  # eval mode in predict
    wrapper.trainable = False
    assert wrapper.trainable_weights == [] and not any(p.requires_grad for p in module.parameters())


def test_torch_module_saves_its_state_dict_as_keras_does_and_loads_only_when_unsafe_allowed(tmp_path):
    model = _torch_model()
    x = np.random.default_rng(1).random((16, 4)).astype("float32")
    model.compile("sgd", "mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0)  # running statistics move away from their defaults
    expected = model.predict(x, verbose=0)
    path = str(tmp_path / "torch.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        h5 = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
        stored = sorted(h5["layers/torch_module_wrapper/vars"].keys())
    assert stored == sorted(model.layers[0].module.state_dict())
    assert "1.running_mean" in stored
    with pytest.raises(UnsafeLoadError, match="'torchy'.*pickled torch module.*safe_mode=False"):
        keras.models.load_model(path)
    with pytest.raises(UnsafeLoadError, match="pickled torch module"):
        layers.TorchModuleWrapper.from_config(model.layers[0].get_config())
    with pytest.raises(UnsafeLoadError, match="pickled torch module"):
        keras.models.model_from_json(model.to_json())
    with pytest.raises(UnsafeLoadError, match="pickled torch module"):
        keras.layers.deserialize(keras.layers.serialize(model.layers[0]))
    loaded = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6)

    # The weights file alone restores parameters and buffers into a fresh module.
    weights_path = str(tmp_path / "torch.weights.h5")
    model.save_weights(weights_path)
    fresh = _torch_model()
    fresh.layers[0].module[3].weight.data.fill_(0.0)
    fresh.load_weights(weights_path)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), expected, atol=1e-6)


def test_torch_module_wrapper_errors_and_output_shape():
    with pytest.raises(TypeError, match="`module` must be a torch.nn.Module, received 3"):
        layers.TorchModuleWrapper(3)
    with pytest.raises(ValueError, match="LazyLinear has uninitialized parameters; call it once"):
        layers.TorchModuleWrapper(torch.nn.LazyLinear(3))
    wrapper = layers.TorchModuleWrapper(torch.nn.Linear(4, 2), output_shape=(None, 2))
    assert wrapper.compute_output_shape((None, 4)) == (None, 2)
    assert wrapper.get_config()["output_shape"] == [None, 2]
    inputs = keras.Input((4,))
    assert tuple(keras.Model(inputs, layers.TorchModuleWrapper(torch.nn.Linear(4, 5))(inputs)).output_shape) == \
        (None, 5)
