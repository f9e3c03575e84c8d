"""ConvLSTM1D/2D/3D: outputs against real Keras 3.15.1 (tests/fixtures/make_conv_lstm_reference.py), the
Keras weight layout, dropout per gate, masks, states, and errors that name the layer."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layer_testing import run_layer_test
from tests.layers.rnn import reference as ref

L = keras.layers
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "conv_lstm_reference.json")
CASES = json.load(open(FIXTURE))["cases"]


def _with_weights(layer, input_shape, seed=0, scale=0.4):
    layer.build(input_shape)
    rng = np.random.default_rng(seed)
    layer.set_weights([(rng.standard_normal(w.shape) * scale).astype("float32") for w in layer.get_weights()])
    return layer


def _np(value):
    return value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_real_keras(case):
    layer = getattr(L, case["layer"])(**case["kwargs"])
    x = np.array(case["x"], dtype="float32")
    layer.build(x.shape)
    assert [list(w.shape) for w in layer.get_weights()] == case["weight_shapes"]
    layer.set_weights([np.array(w, dtype="float32") for w in case["weights"]])
    outputs = layer(x)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == len(case["outputs"])
    for got, expected in zip(outputs, case["outputs"]):
        np.testing.assert_allclose(_np(got), np.array(expected), atol=1e-5)
    shapes = layer.compute_output_shape((None,) + x.shape[1:])
    shapes = shapes if isinstance(shapes, list) else [shapes]
    assert [tuple(s[1:]) for s in shapes] == [tuple(np.shape(o))[1:] for o in case["outputs"]]


def test_harness_2d():
    run_layer_test(L.ConvLSTM2D, {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
                   input_shape=(2, 3, 5, 5, 2), expected_output_shape=(2, 3, 5, 5, 2),
                   expected_num_trainable_weights=3, expected_num_non_trainable_weights=0)


def test_harness_1d_and_3d_states():
    run_layer_test(L.ConvLSTM1D, {"filters": 3, "kernel_size": 2, "return_state": True}, input_shape=(2, 4, 6, 2),
                   expected_output_shape=[(2, 5, 3), (2, 5, 3), (2, 5, 3)], expected_num_trainable_weights=3)
    run_layer_test(L.ConvLSTM3D, {"filters": 1, "kernel_size": 2, "use_bias": False},
                   input_shape=(1, 2, 3, 3, 3, 1), expected_output_shape=(1, 2, 2, 2, 1),
                   expected_num_trainable_weights=2)


def test_weights_have_keras_layout_names_and_forget_bias():
    layer = L.ConvLSTM2D(4, (3, 2))
    layer.build((None, 5, 8, 8, 3))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 3, 16), (3, 2, 4, 16), (16,)]
    np.testing.assert_array_equal(layer.get_weights()[2], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    layer = L.ConvLSTM1D(2, 3, unit_forget_bias=False, bias_initializer="ones")
    layer.build((None, 5, 8, 3))
    np.testing.assert_array_equal(layer.get_weights()[2], np.ones(8))


def _pointwise_lstm_reference(x, kernel, recurrent_kernel, bias, input_masks=None, recurrent_masks=None):
    """A 1x1 ConvLSTM2D is an LSTM at every pixel: NumPy reference with Keras' per-gate dropout masks."""
    b, t, rows, cols, _ = x.shape
    f = recurrent_kernel.shape[-1] // 4
    k, rk = kernel[0, 0], recurrent_kernel[0, 0]
    h = np.zeros((b, rows, cols, f))
    c = np.zeros_like(h)
    for step in range(t):
        xt = x[:, step]
        z = np.concatenate([
            (xt * (1 if input_masks is None else input_masks[g])) @ k[:, g * f:(g + 1) * f]
            + (h * (1 if recurrent_masks is None else recurrent_masks[g])) @ rk[:, g * f:(g + 1) * f]
            for g in range(4)], axis=-1) + bias
        i, fg, o = ref.sigmoid(z[..., :f]), ref.sigmoid(z[..., f:2 * f]), ref.sigmoid(z[..., 3 * f:])
        c = fg * c + i * np.tanh(z[..., 2 * f:3 * f])
        h = o * np.tanh(c)
    return h


def test_dropout_draws_one_mask_per_gate_and_keeps_it_for_the_sequence():
    x = np.random.default_rng(1).standard_normal((2, 4, 3, 3, 2)).astype("float32")
    layer = _with_weights(L.ConvLSTM2D(3, 1, dropout=0.4, recurrent_dropout=0.3), x.shape)
    kernel, recurrent_kernel, bias = layer.get_weights()
    np.testing.assert_allclose(_np(layer(x, training=False)),
                               _pointwise_lstm_reference(x, kernel, recurrent_kernel, bias), atol=1e-5)
    torch.manual_seed(7)
    trained = _np(layer(x, training=True))
    torch.manual_seed(7)  # the same draws, in the order the layer makes them: inputs, then states
    input_masks = (torch.rand((4, 2, 3, 3, 2)) >= 0.4).numpy() / 0.6
    recurrent_masks = (torch.rand((4, 2, 3, 3, 3)) >= 0.3).numpy() / 0.7
    assert not np.allclose(input_masks[0], input_masks[1])  # the gates' masks differ
    np.testing.assert_allclose(trained, _pointwise_lstm_reference(x, kernel, recurrent_kernel, bias,
                                                                  input_masks, recurrent_masks), atol=1e-5)


def test_masked_trailing_steps_give_the_result_of_the_shorter_sequence():
    x = np.random.default_rng(2).standard_normal((2, 5, 4, 4, 2)).astype("float32")
    layer = _with_weights(L.ConvLSTM2D(2, 3, padding="same", return_state=True), x.shape)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    output, h, c = [_np(o) for o in layer(x, mask=torch.as_tensor(mask))]
    short_output, short_h, short_c = [_np(o) for o in layer(x[:1, :3])]
    np.testing.assert_allclose(output[:1], short_output, atol=1e-6)
    np.testing.assert_allclose(c[:1], short_c, atol=1e-6)
    np.testing.assert_allclose(output[1:], _np(layer(x[1:])[0]), atol=1e-6)


def test_masking_layer_upstream_and_zero_output_for_mask():
    x = np.random.default_rng(3).standard_normal((1, 4, 3, 3, 1)).astype("float32")
    x[:, 2:] = 0.0
    inputs = keras.Input((4, 3, 3, 1))
    seq = L.ConvLSTM2D(2, 1, return_sequences=True, zero_output_for_mask=True)
    model = keras.Model(inputs, seq(L.Masking(0.0)(inputs)))
    out = model.predict(x, verbose=0)
    assert np.all(out[:, 2:] == 0.0) and np.abs(out[:, :2]).max() > 0


def test_initial_state_in_the_layer_data_format_continues_a_sequence():
    x = np.random.default_rng(4).standard_normal((2, 4, 2, 5, 5)).astype("float32")
    layer = _with_weights(L.ConvLSTM2D(3, 3, padding="same", data_format="channels_first", return_state=True),
                          x.shape)
    full, _, _ = layer(x)
    _, h, c = layer(x[:, :2])
    assert tuple(h.shape) == (2, 3, 5, 5)
    continued, _, _ = layer(x[:, 2:], initial_state=[h, c])
    np.testing.assert_allclose(_np(continued), _np(full), atol=1e-6)


def test_stateful_carries_states_between_calls_until_reset():
    x = np.random.default_rng(5).standard_normal((2, 4, 6, 2)).astype("float32")
    layer = _with_weights(L.ConvLSTM1D(2, 3, stateful=True), x.shape)
    reference = _with_weights(L.ConvLSTM1D(2, 3), x.shape)
    layer(x[:, :2])
    np.testing.assert_allclose(_np(layer(x[:, 2:])), _np(reference(x)), atol=1e-6)
    layer.reset_states()
    np.testing.assert_allclose(_np(layer(x[:, 2:])), _np(reference(x[:, 2:])), atol=1e-6)


def test_cell_step_on_its_own_equals_a_one_step_layer():
    x = np.random.default_rng(6).standard_normal((2, 1, 5, 5, 2)).astype("float32")
    layer = _with_weights(L.ConvLSTM2D(2, 3, padding="same", return_state=True), x.shape)
    _, h_layer, c_layer = layer(x)
    zeros = np.zeros((2, 5, 5, 2), dtype="float32")
    h, (h2, c) = layer.cell(x[:, 0], [zeros, zeros])
    np.testing.assert_allclose(_np(h), _np(h_layer), atol=1e-6)
    np.testing.assert_allclose(_np(c), _np(c_layer), atol=1e-6)


def test_trains_in_a_model():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((16, 3, 6, 6, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3, 4)) > 0).astype("float32")
    model = keras.Sequential([keras.Input((3, 6, 6, 1)), L.ConvLSTM2D(4, 3, padding="same"),
                              L.GlobalAveragePooling2D(), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.output_shape == (None, 1)


def test_keras_config_keys_and_properties():
    layer = L.ConvLSTM2D(2, 3, strides=2, dropout=0.1, seed=3)
    config = layer.get_config()
    assert list(config)[:10] == ["name", "trainable", "dtype", "return_sequences", "return_state",
                                 "go_backwards", "stateful", "unroll", "zero_output_for_mask", "filters"]
    assert config["kernel_size"] == (3, 3) and config["strides"] == (2, 2) and config["seed"] == 3
    assert "cell" not in config and config["activity_regularizer"] is None
    assert layer.filters == 2 and layer.dropout == 0.1 and layer.data_format == "channels_last"
    clone = L.ConvLSTM2D.from_config(config)
    assert clone.get_config() == config


@pytest.mark.parametrize("kwargs, shape, message", [
    ({"filters": 2, "kernel_size": 3}, (2, 3, 5, 5), "ConvLSTM2D.*expects 5-D"),
    ({"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, None, "ConvLSTM2D: strides > 1"),
    ({"filters": 0, "kernel_size": 3}, None, "ConvLSTM2D: filters must be a positive integer"),
    ({"filters": 2, "kernel_size": 3, "padding": "causal"}, None, "ConvLSTM2D: .*padding"),
    ({"filters": 2, "kernel_size": 5}, (2, 3, 4, 4, 1), "larger than the input's spatial size"),
])
def test_errors_name_the_layer_and_argument(kwargs, shape, message):
    with pytest.raises(ValueError, match=message):
        layer = L.ConvLSTM2D(**kwargs)
        layer(np.zeros(shape, dtype="float32"))


def test_unknown_spatial_dimension_is_refused_clearly():
    with pytest.raises(ValueError, match="static spatial dimensions"):
        L.ConvLSTM2D(2, 3)(keras.Input((4, None, 5, 1)))


def test_functional_states_feed_the_next_layer_and_a_wrong_state_shape_is_named():
    inputs = keras.Input((None, 6, 6, 1))
    seq, h, c = L.ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True)(inputs)
    model = keras.Model(inputs, [L.ConvLSTM2D(2, 3, padding="same")(seq, initial_state=[h, c]), h])
    outputs = model.predict(np.random.default_rng(8).standard_normal((2, 3, 6, 6, 1)), verbose=0)
    assert [o.shape for o in outputs] == [(2, 6, 6, 2), (2, 6, 6, 2)]
    with pytest.raises(ValueError, match=r"ConvLSTM2D layer .*initial state h must have shape \(\d+, 4, 4, 2\)"):
        L.ConvLSTM2D(2, 3)(seq, initial_state=[h, c])
