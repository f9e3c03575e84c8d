"""Integer and bool inputs: float-maths layers compute in their float dtype, the others keep integers.

The expected dtypes come from real Keras 3 (tests/fixtures/input_handling_reference.json, made by
make_input_handling_reference.py): Keras' ops promote int32 @ float32 to float32, so Dense, RNNs,
convolutions, normalization and attention answer float32; Flatten, Dropout, max pooling keep int32.
"""
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers

REFERENCE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "input_handling_reference.json").read_text())
CASES = {case["name"]: case for case in REFERENCE["layer_dtypes"]}


def _call(case, x):
    layer = getattr(layers, case["class"])(**case["kwargs"])
    if case["call"] == "True":
        return layer, layer(x, x)
    if case["call"] == "list":
        return layer, layer([x, x])
    return layer, layer(x)


@pytest.mark.parametrize("name", sorted(CASES))
def test_int32_input_gives_the_dtype_keras_gives(name):
    case = CASES[name]
    x = torch.ones(case["shape"], dtype=torch.int32)
    _, out = _call(case, x)
    assert str(out.dtype).replace("torch.", "") == case["int32"]


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["bool"] == "float32"))
def test_bool_input_to_float_layers_computes_in_float(name):
    case = CASES[name]
    _, out = _call(case, torch.ones(case["shape"], dtype=torch.bool))
    assert out.dtype == torch.float32


def test_integer_input_gives_the_same_numbers_as_the_float_input():
    x = np.arange(12).reshape(2, 2, 3)
    lstm = layers.LSTM(4)
    conv = layers.Conv1D(2, 2)
    dense = layers.Dense(3)
    for layer in (lstm, conv, dense):
        from_float = np.asarray(layer(torch.as_tensor(x, dtype=torch.float32)))
        from_int = np.asarray(layer(torch.as_tensor(x)))
        np.testing.assert_allclose(from_int, from_float, rtol=1e-6)


def test_a_custom_layer_sees_integers_unchanged():
    seen = []

    class Lookup(layers.Layer):
        def call(self, ids):
            seen.append(ids.dtype)
            return ids

    Lookup()(torch.ones((2, 3), dtype=torch.int64))
    assert seen == [torch.int64]


def test_one_hot_bool_sequences_train_an_lstm():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 5, (16, 6))
    one_hot = np.eye(5, dtype=bool)[ids]  # (16, 6, 5) bool, as char-level text examples build it
    y = np.eye(5, dtype="float32")[ids[:, -1]]
    model = keras.Sequential([layers.LSTM(8), layers.Dense(5, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    history = model.fit(one_hot, y, batch_size=8, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(one_hot[:2], verbose=0).shape == (2, 5)


def test_masked_integer_input_keeps_its_mask():
    x = torch.tensor([[1, 2, 0, 0]]).unsqueeze(-1)
    x._keras_mask = torch.tensor([[True, True, False, False]])
    full = layers.LSTM(3, return_sequences=True)
    out = full(x)
    np.testing.assert_allclose(np.asarray(out)[0, 2], np.asarray(out)[0, 1])  # masked steps repeat the last state


def test_id_taking_layers_keep_their_integer_inputs_inside_fit():
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 5, (16, 3))
    inputs = keras.Input((3,), dtype="int64")
    counts = layers.CategoryEncoding(5, output_mode="count")(inputs)
    hashed = layers.CategoryEncoding(4, output_mode="multi_hot")(layers.Hashing(4)(inputs))
    embedded = layers.GlobalAveragePooling1D()(layers.Embedding(5, 2)(inputs))
    outputs = layers.Dense(1)(layers.concatenate([counts, hashed, embedded]))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(ids, np.zeros((16, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    encoder = keras.Model(inputs, counts)
    np.testing.assert_array_equal(encoder.predict(ids[:2], verbose=0),
                                  [np.bincount(row, minlength=5) for row in ids[:2]])


def test_an_int8_or_int4_named_input_is_a_dtype_not_a_quantization_mode():
    # 'int8' starts like a quantized policy name ('int8_from_float32'); as an Input dtype it is the
    # data's dtype (Keras 3.15.1: KerasTensor dtype int8, config dtype 'int8', Dense answers float32).
    inputs = keras.Input((3,), dtype="int8")
    assert inputs.dtype == "int8"
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    assert model.get_config()["layers"][0]["config"]["dtype"] == "int8"
    assert model.predict(np.ones((2, 3), "int8"), verbose=0).dtype == np.float32
    assert keras.Input((3,), dtype="int16").dtype == "int16"
    with pytest.raises(ValueError, match="int8_from_float32"):
        layers.Dense(2, dtype="int8")  # a layer's dtype argument is a policy, as in Keras
