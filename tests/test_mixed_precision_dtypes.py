"""Output dtypes (and values) of every layer under the mixed policies, against Keras 3.15.1.

Keras casts a mixed layer's float inputs and weights to float16/bfloat16 and so hands out half
precision from every layer, BatchNormalization and softmax included; torch.autocast alone leaves
reductions, normalizations and elementwise ops in float32. The fixture (made by
tests/fixtures/make_mixed_precision_dtypes_reference.py) holds each case as plain data, so the layers
are rebuilt here with the same constructor arguments, inputs and weights.

Tolerances: Keras computes each op in half precision while tkeras lets torch upcast some internally,
so the two round differently; a few units of the format's last place on the output scale.
"""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, mixed_precision

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "fixtures", "mixed_precision_dtypes_reference.json")) as f:
    REFERENCE = json.load(f)
CASES = {spec["id"]: (i, spec) for i, spec in enumerate(REFERENCE["cases"])}
POLICIES = ("mixed_float16", "mixed_bfloat16")
# Relative to the output's largest magnitude: float16 keeps 11 significant bits, bfloat16 8.
TOLERANCE = {"mixed_float16": 4e-3, "mixed_bfloat16": 3e-2}
# Recurrent layers round their state at every step, so the two rounding orders drift further apart.
LOOSE = ("LSTM", "GRU", "SimpleRNN", "RNN_", "Bidirectional", "ConvLSTM", "Attention", "GroupQuery")


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    mixed_precision.set_global_policy("float32")


def _build(value):
    if isinstance(value, dict) and "__layer__" in value:
        cls, kwargs = value["__layer__"]
        return getattr(layers, cls)(**{k: _build(v) for k, v in kwargs.items()})
    return value


def _run(case_id, policy):
    index, spec = CASES[case_id]
    data = REFERENCE["layers"]["mixed_float16"][case_id]
    mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(index)
    if "inputs" in data:
        xs = [np.asarray(x, dtype="int32" if spec["int_high"] is not None else "float32") for x in data["inputs"]]
    elif spec["int_high"] is not None:
        xs = [np.random.default_rng(index).integers(0, spec["int_high"], s).astype("int32") for s in spec["shapes"]]
    else:
        xs = [np.random.default_rng(index).standard_normal(s).astype("float32") for s in spec["shapes"]]
    layer = getattr(layers, spec["class"])(**{k: _build(v) for k, v in spec["kwargs"].items()})
    args = {"single": (xs[0],), "list": (xs,), "args": tuple(xs)}[spec["call"]]
    layer(*args, **spec["call_kwargs"])
    if data.get("weights"):
        layer.set_weights([np.asarray(w, dtype="float32") for w in data["weights"]])
    out = layer(*args, **spec["call_kwargs"])
    flat = list(out) if isinstance(out, (list, tuple)) else [out]
    return layer, flat


def _dtype_name(tensor):
    return str(tensor.dtype).replace("torch.", "")


LAYER_CASES = [(p, cid) for p in POLICIES for cid in CASES if "error" not in REFERENCE["layers"][p][cid]]


@pytest.mark.parametrize("policy,case_id", LAYER_CASES)
def test_layer_output_dtype_and_values_match_keras(policy, case_id):
    expected = REFERENCE["layers"][policy][case_id]
    layer, flat = _run(case_id, policy)
    assert layer.compute_dtype == expected["compute_dtype"]
    assert [_dtype_name(t) for t in flat] == expected["dtype"]
    if "outputs" not in expected:
        return
    for got, want in zip(flat, expected["outputs"]):
        want = np.asarray(want, dtype="float32")
        got = got.detach().float().cpu().numpy()
        scale = max(float(np.abs(want).max()), 1.0)
        tolerance = TOLERANCE[policy] * (4 if case_id.startswith(LOOSE) else 1)
        np.testing.assert_allclose(got, want, atol=tolerance * scale, rtol=0)


NAMES = ("conv", "bn", "relu", "pool", "flatten", "dense", "softmax")


def _cnn(sequential):
    stack = [layers.Conv2D(4, 3, name="conv"), layers.BatchNormalization(name="bn"), layers.ReLU(name="relu"),
             layers.MaxPooling2D(name="pool"), layers.Flatten(name="flatten"), layers.Dense(10, name="dense"),
             layers.Activation("softmax", dtype="float32", name="softmax")]
    if sequential:
        return keras.Sequential([keras.Input((8, 8, 3))] + stack)
    inputs = keras.Input((8, 8, 3))
    h = inputs
    for layer in stack:
        h = layer(h)
    return keras.Model(inputs, h)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
@pytest.mark.parametrize("policy", POLICIES)
def test_a_mixed_cnn_matches_keras_through_predict_and_fit(policy, kind):
    expected = REFERENCE["models"][policy][kind]
    mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(7)
    model = _cnn(kind == "sequential")
    model.set_weights([np.asarray(w, dtype="float32") for w in expected["weights"]])
    x = np.asarray(expected["x"], dtype="float32")
    y = np.asarray(expected["y"])
    named = [n for n in NAMES if n in expected["symbolic"]]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in named])
    assert {n: _dtype_name(model.get_layer(n).output) for n in named} == {n: expected["symbolic"][n] for n in named}
    assert dict(zip(named, map(_dtype_name, probe(x)))) == {n: expected["eager"][n] for n in named}
    predicted = probe.predict(x, verbose=0)
    want = {n: expected["predict_intermediate"][n] for n in named}
    assert dict(zip(named, (str(p.dtype) for p in predicted))) == {
        n: "float32" if d == "bfloat16" else d for n, d in want.items()}
    prediction = model.predict(x, verbose=0)
    assert str(prediction.dtype) == expected["predict_dtype"]
    np.testing.assert_allclose(prediction, np.asarray(expected["prediction"]), atol=TOLERANCE[policy], rtol=0)
    head = keras.Model(model.inputs, model.get_layer("dense").output).predict(x, verbose=0)
    # NumPy has no bfloat16: tkeras hands a bfloat16 prediction back as float32 (Keras on JAX gives
    # ml_dtypes' bfloat16), float16 as float16 like Keras.
    head_dtype = expected["predict_without_float32_head_dtype"]
    assert str(head.dtype) == ("float32" if head_dtype == "bfloat16" else head_dtype)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    loss = model.compute_loss(x, y, model(x))
    assert _dtype_name(loss) == expected["compute_loss_dtype"]
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected["fit_loss"], abs=20 * TOLERANCE[policy])
    assert type(model.optimizer).__name__ == expected["optimizer"]
    assert sorted({_dtype_name(w) for w in model.weights}) == expected["weights_after_fit_dtypes"]


def test_a_float32_policy_is_untouched():
    """No mixed policy: a float32 layer's output keeps float32 and no cast runs."""
    out = layers.BatchNormalization()(np.ones((2, 3), "float32"))
    assert out.dtype == torch.float32


def test_the_cast_keeps_what_a_call_attached_and_a_subclassed_model_keeps_its_float32_head():
    mixed_precision.set_global_policy("mixed_bfloat16")
    softmax = layers.Activation("softmax")(np.ones((2, 3), "float32"))
    assert softmax.dtype == torch.bfloat16 and getattr(softmax, "_keras_logits", None) is not None
    masked = layers.Masking(0.0)(np.zeros((2, 3, 4), "float32"))
    assert masked.dtype == torch.bfloat16 and masked._keras_mask.shape == (2, 3)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4)
            self.head = layers.Dense(2, dtype="float32")

        def call(self, x):
            return self.head(self.hidden(x))

    net = Net()
    assert net(np.ones((2, 3), "float32")).dtype == torch.float32
    assert net.hidden(np.ones((2, 3), "float32")).dtype == torch.bfloat16
