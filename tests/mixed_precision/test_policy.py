"""Dtype policies: names, the global setting, and what a mixed policy does to a forward pass."""
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import mixed_precision


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("name,compute,variable", [
    ("float32", "float32", "float32"),
    ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32"),
])
def test_policy_dtypes(name, compute, variable):
    policy = mixed_precision.Policy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert mixed_precision.Policy.from_config(policy.get_config()) == policy


def test_unknown_policy_names_the_valid_ones():
    with pytest.raises(ValueError, match="mixed_float17.*mixed_bfloat16"):
        mixed_precision.Policy("mixed_float16".replace("16", "17"))


def test_half_precision_weights_are_refused_with_the_mixed_alternative():
    with pytest.raises(ValueError, match="mixed_float16"):
        mixed_precision.set_global_policy("float16")


def test_global_policy_round_trip_and_keras_spellings():
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert mixed_precision.global_policy().name == "mixed_bfloat16"
    assert mixed_precision.dtype_policy() is mixed_precision.global_policy()
    mixed_precision.experimental.set_policy(None)
    assert mixed_precision.global_policy().name == "float32"


def _mlp():
    torch.manual_seed(0)
    model = keras.Sequential([keras.layers.Dense(64, activation="relu", input_shape=(32,)),
                              keras.layers.Dense(10, activation="softmax")])
    return model


def test_mixed_bfloat16_predict_is_close_to_float32_and_really_runs_in_bfloat16():
    x = np.random.default_rng(0).standard_normal((50, 32)).astype("float32")
    model = _mlp()
    reference = model.predict(x, verbose=0)
    mixed_precision.set_global_policy("mixed_bfloat16")
    mixed = model.predict(x, verbose=0)
    assert mixed.dtype == np.float32  # outputs handed back as float32
    assert all(w.dtype == torch.float32 for w in model.weights)  # weights untouched
    difference = np.abs(mixed - reference).max()
    assert 0 < difference < 2e-2  # bfloat16 keeps ~3 significant digits: different, but close


def test_outputs_to_float32_keeps_the_logits_for_fused_losses():
    mixed_precision.set_global_policy("mixed_bfloat16")
    logits = torch.randn(4, 3).to(torch.bfloat16)
    probabilities = torch.softmax(logits, dim=-1)
    probabilities._keras_logits = logits
    probabilities._keras_activation = "softmax"
    cast = mixed_precision.outputs_to_float32([probabilities])[0]
    assert cast.dtype == torch.float32 and cast._keras_logits.dtype == torch.float32
    assert cast._keras_activation == "softmax"
    torch.testing.assert_close(cast._keras_logits, logits.float())


def test_outputs_are_untouched_until_a_mixed_policy_is_used(monkeypatch):
    from tkeras.mixed_precision import policy
    monkeypatch.setattr(policy, "_MIXED_IN_USE", False)  # other tests in this process used one
    value = torch.randn(2).to(torch.bfloat16)
    assert mixed_precision.outputs_to_float32(value) is value  # a user's own bfloat16 model
    monkeypatch.setattr(policy, "_MIXED_IN_USE", True)
    assert mixed_precision.outputs_to_float32(value).dtype == torch.float32


def test_mixed_bfloat16_training_tracks_float32_training():
    if not hasattr(keras.optimizers, "SGD"):
        pytest.skip("tkeras.optimizers has not landed yet")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((256, 32)).astype("float32")
    y = (x[:, :10] * 3).argmax(axis=1)
    losses = {}
    for policy in ("float32", "mixed_bfloat16"):
        mixed_precision.set_global_policy(policy)
        model = _mlp()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
        losses[policy] = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history["loss"]
        assert all(w.dtype == torch.float32 for w in model.weights)
    assert losses["mixed_bfloat16"][-1] < losses["mixed_bfloat16"][0]  # it learns
    np.testing.assert_allclose(losses["mixed_bfloat16"], losses["float32"], rtol=3e-2)


def test_mixed_float16_compile_wraps_the_optimizer_in_loss_scaling():
    if not hasattr(keras.optimizers, "SGD"):
        pytest.skip("tkeras.optimizers has not landed yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CPU advice to prefer bfloat16
        mixed_precision.set_global_policy("mixed_float16")
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    assert isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse", auto_scale_loss=False)
    assert not isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)


def test_mixed_float16_on_a_cpu_points_to_bfloat16():
    from tkeras.backend import config
    if config.device().type != "cpu":
        pytest.skip("the warning is about CPUs")
    with pytest.warns(UserWarning, match="mixed_bfloat16"):
        mixed_precision.set_global_policy("mixed_float16")


@pytest.mark.parametrize("kind", ["lstm", "conv"])
def test_mixed_bfloat16_predict_of_recurrent_and_convolutional_models(kind):
    layers = keras.layers
    if not hasattr(layers, "LSTM") or not hasattr(layers, "Conv2D"):
        pytest.skip("recurrent/convolutional layers have not landed yet")
    rng = np.random.default_rng(0)
    if kind == "lstm":
        model = keras.Sequential([layers.Embedding(40, 8), layers.LSTM(16), layers.Dense(1, activation="sigmoid")])
        x = rng.integers(0, 40, size=(8, 12))
    else:
        model = keras.Sequential([layers.Conv2D(8, 3, activation="relu", input_shape=(12, 12, 3)),
                                  layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(3, activation="softmax")])
        x = rng.standard_normal((8, 12, 12, 3)).astype("float32")
    reference = model.predict(x, verbose=0)
    mixed_precision.set_global_policy("mixed_bfloat16")
    mixed = model.predict(x, verbose=0)
    assert mixed.dtype == np.float32
    assert 0 < np.abs(mixed - reference).max() < 2e-2
