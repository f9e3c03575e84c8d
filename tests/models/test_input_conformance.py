"""A model with declared inputs bends data towards its `Input` as Keras 3 does: a trailing axis of size 1
added or dropped, nothing else; bool/int data to a float Input becomes float (facts from real Keras 3 in
tests/fixtures/input_handling_reference.json)."""
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers

REFERENCE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "input_handling_reference.json").read_text())


@pytest.mark.parametrize("case", REFERENCE["functional_ranks"], ids=lambda c: f"{c['input']}<-{c['data']}")
def test_functional_rank_adjustment_matches_keras(case):
    inputs = keras.Input(tuple(case["input"]))
    model = keras.Model(inputs, layers.Flatten()(inputs))
    data = np.arange(np.prod(case["data"]), dtype="float32").reshape(case["data"])
    if case["output"] == "error":
        with pytest.raises(ValueError, match=r"expects data of shape .* but received data of shape"):
            model(data)
    else:
        out = np.asarray(model(data))
        assert list(out.shape) == case["output"]
        np.testing.assert_array_equal(out, data.reshape(out.shape))  # only an axis of size 1 moved


def test_rank_error_names_the_model_and_the_input():
    inputs = keras.Input((28, 28, 1), name="pixels")
    model = keras.Model(inputs, layers.Flatten()(inputs), name="digits")
    with pytest.raises(ValueError, match=r"Model 'digits': input 'pixels' expects data of shape "
                                         r"\(None, 28, 28, 1\) \(rank 4\), but received data of shape \(2, 28\)"):
        model(np.zeros((2, 28), "float32"))


@pytest.mark.parametrize("case", REFERENCE["functional_dtypes"], ids=lambda c: f"{c['data']}->{c['input']}")
def test_functional_input_dtype_matches_keras(case):
    seen = []

    class Probe(layers.Layer):
        def call(self, x):
            seen.append(x.dtype)
            return x

    inputs = keras.Input((3,), dtype=case["input"])
    model = keras.Model(inputs, Probe()(inputs))
    model(torch.ones((2, 3), dtype=getattr(torch, case["data"])))
    if case["input"] == "float32":
        assert seen[-1] == torch.float32
    else:  # an integer Input: integers stay integers (Keras narrows them to int32; any width serves ids)
        assert not seen[-1].is_floating_point


def _mnist_like(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28)).astype("float32"), rng.integers(0, 10, n)


def test_mnist_arrays_without_channel_axis_train_a_conv_net():
    x, y = _mnist_like()
    inputs = keras.Input((28, 28, 1))
    h = layers.Conv2D(4, 3, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(layers.MaxPooling2D()(h)))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    with_axis = model.predict(x[..., None], verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), with_axis, rtol=1e-6)


def test_sequential_with_an_input_adjusts_rank_and_casts_bool():
    x, _ = _mnist_like(4)
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(2, 3), layers.Flatten()])
    assert model(x).shape == (4, 26 * 26 * 2)
    seen = []

    class Probe(layers.Layer):
        def call(self, x):
            seen.append(x.dtype)
            return x

    keras.Sequential([keras.Input((3,)), Probe()])(torch.ones((2, 3), dtype=torch.bool))
    assert seen[-1] == torch.float32


def test_sequential_with_input_shape_on_its_first_layer_squeezes_a_trailing_axis():
    model = keras.Sequential([layers.Dense(2, input_shape=(5,))])
    assert model(np.ones((3, 5, 1), "float32")).shape == (3, 2)
    with pytest.raises(ValueError, match="expects data of shape"):
        model(np.ones((3, 5, 2), "float32"))


def test_a_mask_on_the_input_survives_the_adjustment():
    inputs = keras.Input((4, 1))
    seen = []

    class Probe(layers.Layer):
        def call(self, x, mask=None):
            seen.append(mask)
            return x

    model = keras.Model(inputs, Probe()(inputs))
    mask = torch.tensor([[True, True, False, False]])
    model(torch.ones((1, 4)), mask=mask)
    assert seen[-1] is not None and torch.equal(seen[-1], mask)


def test_a_rank_1_string_column_gets_its_trailing_axis_like_a_numeric_one():
    """Keras' structured-data example: columns of a table, each fed to an Input of shape (1,)."""
    text = keras.Input((1,), dtype="string")
    number = keras.Input((1,))
    lookup = keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    model = keras.Model([text, number], keras.layers.concatenate([lookup(text), number]))
    got = model.predict([np.array(["a", "b", "zzz"]), np.array([1.0, 2.0, 3.0], "float32")], verbose=0)
    np.testing.assert_array_equal(got, [[0, 1, 0, 1], [0, 0, 1, 2], [1, 0, 0, 3]])
