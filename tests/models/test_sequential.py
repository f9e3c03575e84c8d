"""Sequential: constructor/add/pop/layers, deferred vs immediate build, summary (seed 000's numbers)."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers


def test_seed_summary_prints_keras_table(capsys):
    model = keras.Sequential()
    model.add(layers.Dense(8, input_dim=4, init="uniform", activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.summary()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'Model: "sequential"'
    assert out[2].startswith("Layer (type)") and "Output Shape" in out[2] and "Param #" in out[2]
    assert out[4].split() == ["dense", "(Dense)", "(None,", "8)", "40"]
    assert out[6].split() == ["dense_1", "(Dense)", "(None,", "1)", "9"]
    assert "Total params: 49" in out and "Trainable params: 49" in out and "Non-trainable params: 0" in out
    assert all(len(line) <= 65 for line in out)


def test_summary_of_unbuilt_model_prints_unknown_shapes_as_keras_3():
    model = keras.Sequential([layers.Dense(2), layers.Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[4].split() == ["dense", "(Dense)", "?", "0"] and lines[6].split() == ["dense_1", "(Dense)", "?", "0"]
    assert "Total params: 0" in lines and not model.built


def test_summary_of_a_model_starting_with_an_embedding_builds_it_as_keras_2():
    # Keras 2's Embedding gave the model an input of ids of any length: (None, None).
    model = keras.Sequential([layers.Embedding(100, 8), layers.LSTM(4), layers.Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[4].split() == ["embedding", "(Embedding)", "(None,", "None,", "8)", "800"]
    assert lines[6].split() == ["lstm", "(LSTM)", "(None,", "4)", str(4 * 4 * (8 + 4 + 1))]
    assert "Total params: 1,013" in lines and model.built
    assert model.predict(np.array([[1, 2, 3]]), verbose=0).shape == (1, 1)


def test_summary_of_an_embedding_then_flatten_stays_unbuilt_and_trains_later():
    # Flatten needs the sequence length, which Keras 2 also could not know without input_length.
    model = keras.Sequential([layers.Embedding(10, 2), layers.Flatten(), layers.Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[4].split()[2:] == ["?", "20"] and lines[8].split()[2:] == ["?", "0"] and not model.built
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 1)), verbose=0)
    assert model.layers[2].kernel.shape == (6, 1)


def test_summary_print_fn_and_frozen_counts():
    model = keras.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 13" in lines and "Trainable params: 4" in lines and "Non-trainable params: 9" in lines


def test_deferred_build_on_first_call():
    model = keras.Sequential([layers.Dense(4), layers.Dense(1)])
    assert not model.built
    with pytest.raises(ValueError, match="isn't built"):
        model.count_params()
    model(np.zeros((2, 3), dtype="float32"))
    assert model.built and model.count_params() == (3 * 4 + 4) + (4 + 1)


def test_build_with_input_shape():
    model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    model.build((None, 5))
    assert [tuple(w.shape) for w in model.weights] == [(5, 4), (4,), (4, 2), (2,)]
    assert model.output_shape == (None, 2)


def test_add_pop_and_layers():
    model = keras.Sequential()
    first, second = layers.Dense(3, input_shape=(2,)), layers.Dense(1)
    model.add(first)
    model.add(second)
    assert model.layers == [first, second]
    assert model.pop() is second
    assert model.layers == [first]
    assert model.output_shape == (None, 3)
    with pytest.raises(TypeError, match="Layer instance"):
        model.add("dense")


def test_duplicate_layer_names_rejected():
    model = keras.Sequential([layers.Dense(2, name="a", input_shape=(3,))])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="a"))


def test_model_call_returns_tensor_and_predict_numpy():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    x = np.ones((4, 3), dtype="float32")
    out = model(x)
    assert isinstance(out, torch.Tensor) and tuple(out.shape) == (4, 2)
    pred = model.predict(x, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (4, 2)
    np.testing.assert_allclose(pred, out.detach().numpy(), rtol=1e-6)


def test_model_used_as_a_layer():
    inner = keras.Sequential([layers.Dense(3, input_shape=(2,))])
    outer = keras.Sequential([inner, layers.Dense(1)])
    out = outer(np.ones((5, 2), dtype="float32"))
    assert tuple(out.shape) == (5, 1)
    assert len(outer.weights) == 4


def test_subclassed_model_tracks_list_of_layers():
    class MySequential(keras.Model):
        def __init__(self, list_layers):
            super().__init__()
            self.list_layers = list_layers

        def call(self, inputs):
            for layer in self.list_layers:
                inputs = layer(inputs)
            return inputs

    model = MySequential([layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    out = model(np.ones((4, 784), dtype="float32"))
    assert tuple(out.shape) == (4, 10)
    assert len(model.trainable_weights) == 4
    np.testing.assert_allclose(out.detach().numpy().sum(axis=1), np.ones(4), rtol=1e-5)


def test_get_config_round_trip_gives_same_predictions():
    model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(2)])
    clone = keras.Sequential.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_input_and_layer_outputs_serve_feature_extraction():
    # The tutorial idiom `Model(model.input, model.get_layer(name).output)` on a Sequential model.
    L = keras.layers
    model = keras.Sequential([keras.Input((8,)), L.Dense(4, activation="relu", name="hidden"),
                              L.Dense(2, activation="softmax")])
    assert model.input.shape == (None, 8) and model.output.shape == (None, 2)
    assert model.inputs == [model.input] and model.outputs == [model.output]
    features = keras.Model(model.input, model.get_layer("hidden").output)
    x = np.random.default_rng(0).random((3, 8)).astype("float32")
    kernel, bias = model.get_layer("hidden").get_weights()
    np.testing.assert_allclose(features.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0), atol=1e-6)
    model.pop()
    assert model.output.shape == (None, 4)  # traced again after the stack changed


def test_input_of_a_sequential_without_input_shape_is_a_clear_error():
    model = keras.Sequential([keras.layers.Dense(2)], name="no_shape")
    with pytest.raises(ValueError, match="Sequential model 'no_shape' has no input yet"):
        model.input


def test_layers_have_input_and_output_as_soon_as_they_are_added():
    # Keras 2 called each added layer on the previous output at once: Model(layers[0].input, layers[1].output)
    model = keras.Sequential([layers.Dense(4, input_dim=3), layers.Dense(2)])
    assert model.layers[0].input is model.input and model.layers[1].output is model.output
    model.add(layers.Dense(5))
    assert model.layers[1].output is model.layers[2].input and tuple(model.output.shape) == (None, 5)
    kernel, bias = model.layers[0].get_weights()
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(keras.Model(model.layers[0].input, model.layers[0].output).predict(x, verbose=0),
                               x @ kernel + bias, rtol=1e-5)
    model.pop()
    model.add(layers.Dense(1))
    assert tuple(model.output.shape) == (None, 1) and model.layers[2].input is model.layers[1].output
