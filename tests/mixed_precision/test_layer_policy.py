"""Per-layer dtype policies: what a layer reports and computes in under a mixed global policy.

The references are NumPy float32 matmuls; bfloat16 keeps 8 bits of mantissa, so a layer that really
computes in bfloat16 is off by ~1e-2 relative, one that stays in float32 by ~1e-6.
"""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, mixed_precision


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    mixed_precision.set_global_policy("float32")


def _data(shape=(64, 16)):
    return np.random.default_rng(1).standard_normal(shape).astype("float32")


def test_a_layer_made_under_a_mixed_policy_reports_keras_dtypes():
    mixed_precision.set_global_policy("mixed_bfloat16")
    dense = layers.Dense(4)
    assert dense.dtype_policy.name == "mixed_bfloat16"
    assert (dense.dtype, dense.variable_dtype, dense.compute_dtype) == ("float32", "float32", "bfloat16")
    dense.build((None, 3))
    assert dense.kernel.dtype == torch.float32  # weights stay float32
    # Made before the policy changed: keeps its own.
    mixed_precision.set_global_policy("float32")
    assert dense.compute_dtype == "bfloat16"
    assert layers.Dense(4).compute_dtype == "float32"


def test_layer_dtype_arguments_in_every_spelling():
    assert layers.Dense(2, dtype="mixed_float16").compute_dtype == "float16"
    assert layers.Dense(2, dtype=mixed_precision.Policy("mixed_bfloat16")).compute_dtype == "bfloat16"
    assert layers.Dense(2, dtype=np.float64).dtype == "float64"
    assert layers.Dense(2, dtype=torch.float64).compute_dtype == "float64"
    keras3 = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_bfloat16"},
              "registered_name": None}
    assert layers.Dense(2, dtype=keras3).dtype_policy == mixed_precision.Policy("mixed_bfloat16")
    with pytest.raises(ValueError, match="mixed_float8"):
        layers.Dense(2, dtype="mixed_float8")


def test_an_eager_call_computes_in_the_layers_compute_dtype():
    x = _data()
    dense = layers.Dense(8, dtype="mixed_bfloat16")
    out = dense(x)
    assert out.dtype == torch.bfloat16
    kernel, bias = dense.get_weights()
    reference = x @ kernel + bias
    error = np.abs(out.float().numpy() - reference).max()
    assert 1e-4 < error < 0.1 * np.abs(reference).max()


def test_a_float32_final_layer_leaves_the_mixed_region():
    """Keras' advice: end a mixed model with a float32 layer so the softmax/logits keep full precision."""
    mixed_precision.set_global_policy("mixed_bfloat16")
    inputs = keras.Input((16,))
    hidden = layers.Dense(32, name="hidden")(inputs)
    half = layers.Dense(8, name="half")(hidden)
    full = layers.Dense(8, dtype="float32", name="full")(hidden)
    model = keras.Model(inputs, [half, full])
    x = _data()
    half_out, full_out = model.predict(x, verbose=0)
    hidden_out = keras.Model(inputs, hidden).predict(x, verbose=0)
    kernel, bias = model.get_layer("full").get_weights()
    # The float32 layer multiplies the (bfloat16-rounded) hidden activations in float32 exactly.
    np.testing.assert_allclose(full_out, hidden_out @ kernel + bias, rtol=1e-5, atol=1e-5)
    kernel, bias = model.get_layer("half").get_weights()
    assert np.abs(half_out - (hidden_out @ kernel + bias)).max() > 1e-4  # really computed in bfloat16
    # Eager call: the mixed layers hand on bfloat16, the float32 layer float32.
    eager_half, eager_full = model(x)
    assert (eager_half.dtype, eager_full.dtype) == (torch.bfloat16, torch.float32)


def test_a_custom_layer_can_cast_to_its_compute_dtype():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return keras.ops.cast(x, self.compute_dtype) * keras.ops.cast(self.w, self.compute_dtype)

    mixed_precision.set_global_policy("mixed_bfloat16")
    layer = Scale()
    out = layer(_data((2, 3)))
    assert out.dtype == torch.bfloat16 and layer.w.dtype == torch.float32


def test_the_policy_survives_get_config_and_a_saved_file(tmp_path):
    mixed_precision.set_global_policy("mixed_bfloat16")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2, dtype="float32")])
    config = model.get_config()
    assert [l["config"]["dtype"] for l in config["layers"][-2:]] == ["mixed_bfloat16", "float32"]
    mixed_precision.set_global_policy("float32")
    path = tmp_path / "mixed.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [l.compute_dtype for l in loaded.layers] == ["bfloat16", "float32"]
    x = _data((5, 4))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_layers_with_their_own_mixed_policy_train_and_predict_under_a_float32_global_policy():
    x = _data((64, 8))
    y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu", dtype="mixed_bfloat16"),
                              layers.Dense(2, activation="softmax", dtype="mixed_bfloat16")])
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    predictions = model.predict(x, verbose=0)
    assert predictions.dtype == np.float32  # NumPy has no bfloat16: handed back as float32
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, atol=1e-2)
    assert model.layers[0].kernel.dtype == torch.float32


def test_once_a_mixed_policy_exists_a_float16_layer_keeps_float16_and_a_float32_layer_takes_it_up(monkeypatch):
    from tkeras.mixed_precision import policy
    monkeypatch.setattr(policy, "_MIXED_IN_USE", True)
    half = torch.ones(2, 3, dtype=torch.float16)
    assert layers.Activation("linear", dtype="float16")(half).dtype == torch.float16
    assert layers.Activation("linear")(half).dtype == torch.float32
