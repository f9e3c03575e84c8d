"""Keras 3 public methods tkeras lacked (from a method-by-method comparison with Keras 3.15.1).

Numbers come from real Keras (tests/fixtures/make_keras3_method_gaps_reference.py wrote
keras3_method_gaps_reference.json); the rest checks behaviour, shapes and error messages.
"""
import json
import os
import warnings

import numpy as np
import pytest
import torch

import tkeras as keras

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras3_method_gaps_reference.json")) as _f:
    REF = json.load(_f)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _set(variable, value):
    with torch.no_grad():
        variable.assign(np.asarray(value, dtype="float32"))


# -- LoRA -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case,make", [
    ("lora_dense", lambda: keras.layers.Dense(3)),
    ("lora_conv1d", lambda: keras.layers.Conv1D(3, 2, padding="same")),
    ("lora_conv2d", lambda: keras.layers.Conv2D(4, 3, strides=2)),
])
def test_lora_matches_keras(case, make):
    ref = REF[case]
    layer = make()
    x = np.asarray(ref["x"], dtype="float32")
    layer.build(x.shape)
    layer.enable_lora(ref["rank"], lora_alpha=ref["alpha"])
    for variable, key in ((layer._kernel, "kernel"), (layer.bias, "bias"), (layer.lora_kernel_a, "a"),
                          (layer.lora_kernel_b, "b")):
        _set(variable, ref[key])
    np.testing.assert_allclose(_np(layer.kernel), ref["merged_kernel"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(layer(x)), ref["output"], rtol=1e-4, atol=1e-4)
    assert [w.name for w in layer.weights] == ref["weights"]  # creation order, the frozen kernel first
    assert [w.name for w in layer.trainable_weights] == ref["trainable"]
    assert [layer.get_config().get("lora_rank"), layer.get_config().get("lora_alpha")] == ref["config_lora"]


def test_lora_rank_at_construction_and_training_moves_only_a_and_b():
    layer = keras.layers.Conv2D(4, 3, lora_rank=2)
    model = keras.Sequential([keras.Input((6, 6, 3)), layer])
    assert layer.lora_enabled and layer.lora_alpha == 2
    assert tuple(layer.lora_kernel_a.shape) == (3, 3, 3, 2) and tuple(layer.lora_kernel_b.shape) == (2, 4)
    np.testing.assert_array_equal(_np(layer.lora_kernel_b), 0)  # the layer starts as the plain one
    kernel, a = _np(layer._kernel).copy(), _np(layer.lora_kernel_a).copy()
    model.compile("sgd", "mse")
    model.fit(np.random.rand(4, 6, 6, 3), np.random.rand(4, 4, 4, 4), epochs=1, verbose=0)
    np.testing.assert_array_equal(_np(layer._kernel), kernel)
    assert not np.array_equal(_np(layer.lora_kernel_a), a) or np.abs(_np(layer.lora_kernel_b)).sum() > 0


def test_lora_file_holds_the_merged_kernel(tmp_path):
    layer = keras.layers.Conv2D(4, 3)
    model = keras.Sequential([keras.Input((6, 6, 3)), layer])
    layer.enable_lora(2, lora_alpha=4)
    _set(layer.lora_kernel_b, np.random.rand(2, 4))
    x = np.random.rand(2, 6, 6, 3).astype("float32")
    expected = _np(model(x))
    model.save_weights(tmp_path / "w.weights.h5")
    plain = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Conv2D(4, 3)])
    plain.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(_np(plain(x)), expected, rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    inner = again.layers[0]
    assert inner.lora_enabled and inner.lora_rank == 2 and inner.lora_alpha == 4
    np.testing.assert_array_equal(_np(inner.lora_kernel_b), 0)  # the merged kernel went to the frozen slot
    np.testing.assert_allclose(_np(again(x)), expected, rtol=1e-5, atol=1e-5)


def test_enable_lora_errors_name_the_layer():
    layer = keras.layers.Dense(3, name="head")
    with pytest.raises(ValueError, match="'head'.*build"):
        layer.enable_lora(2)
    layer.build((None, 4))
    layer.enable_lora(2)
    with pytest.raises(ValueError, match="'head'.*already enabled"):
        layer.enable_lora(2)
    constrained = keras.layers.Conv1D(2, 3, kernel_constraint="non_neg", name="c1")
    constrained.build((None, 8, 2))
    with pytest.raises(ValueError, match="'c1'.*kernel_constraint"):
        constrained.enable_lora(2)
    layer.quantize("int8")  # as Keras: the frozen kernel is quantized, LoRA stays on (tests/layers/test_qlora.py)
    assert layer.lora_enabled and layer.quantization_mode == "int8"


# -- quantize and friends ---------------------------------------------------------------------------------
def test_single_dense_quantize_matches_keras():
    ref = REF["dense_int8"]
    dense = keras.layers.Dense(4)
    x = np.asarray(ref["x"], dtype="float32")
    dense.build(x.shape)
    _set(dense.kernel, ref["kernel"])
    dense.quantize("int8")
    assert dense.dtype_policy.name == ref["policy"]
    np.testing.assert_array_equal(_np(dense.kernel), ref["int8_kernel"])
    np.testing.assert_allclose(_np(dense.kernel_scale), ref["kernel_scale"], rtol=1e-6)
    np.testing.assert_allclose(_np(dense(x)), ref["output"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(dense.quantized_call(x)), ref["output"], rtol=1e-5, atol=1e-5)


def test_base_layer_quantize_hooks_refuse_by_name():
    layer = keras.layers.ReLU(name="act")
    for call in (lambda: layer.quantize("int8"), lambda: layer.quantized_build((None, 3), "int8")):
        with pytest.raises(NotImplementedError, match="ReLU 'act'.*quantize"):
            call()
    dense = keras.layers.Dense(2, name="d")
    dense.build((None, 3))
    with pytest.raises(NotImplementedError, match="'d' is not quantized"):
        dense.quantized_call(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match="float kernel"):
        dense.quantized_build((3, 2), "int8")


def test_model_quantize_warns_for_layers_without_a_quantized_form():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.ReLU(), keras.layers.Dense(2)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.quantize("int8")
    messages = [str(w.message) for w in caught]
    assert any("ReLU" in m and "no quantized form" in m for m in messages)  # Keras warns for it too
    assert not any("Dense" in m for m in messages)
    assert [layer.quantization_mode for layer in model.layers] == ["int8", None, "int8"]
    assert model.get_quantization_layer_structure("gptq") is None


def test_rematerialized_call():
    plain = keras.layers.Dense(2)
    fn = plain.call
    assert plain.rematerialized_call(fn) == fn
    with keras.RematScope(mode="full"):
        full = keras.layers.Dense(2)
    full.build((None, 3))
    wrapped = full.rematerialized_call(full.call, torch.ones(1, 3))
    assert wrapped != full.call and getattr(wrapped, "__wrapped__", None) == full.call
    x = torch.ones(2, 3, requires_grad=True)
    np.testing.assert_allclose(_np(wrapped(x)), _np(full.call(x)))
    with keras.RematScope(mode="activations"):
        act = keras.layers.Dense(2, activation="relu")
    act.build((None, 3))
    np.testing.assert_allclose(_np(act.rematerialized_call(act.call)(x)), _np(act.call(x)))
    with keras.RematScope(mode="larger_than", output_size_threshold=10):
        big = keras.layers.Dense(8)
    big.build((None, 3))
    assert big.rematerialized_call(big.call, torch.ones(1, 3)) == big.call  # 8 outputs: not above 10
    assert big.rematerialized_call(big.call, torch.ones(4, 3)) != big.call  # 32 outputs


# -- conv helpers -------------------------------------------------------------------------------------------
def test_convolution_op_matches_keras():
    ref = REF["convolution_op"]
    conv = keras.layers.Conv2D(4, 3, padding="same", dilation_rate=2)
    x = np.asarray(ref["x"], dtype="float32")
    conv.build(x.shape)
    out = conv.convolution_op(torch.as_tensor(x), torch.as_tensor(np.asarray(ref["kernel"], dtype="float32")))
    np.testing.assert_allclose(_np(out), ref["output"], rtol=1e-4, atol=1e-4)


# -- smaller helpers ----------------------------------------------------------------------------------------
def test_initializer_clone():
    for cls in (keras.initializers.GlorotUniform, keras.initializers.HeNormal, keras.initializers.RandomNormal):
        original = cls(seed=3)
        twin = original.clone()
        assert twin is not original and type(twin) is cls and twin.get_config() == original.get_config()
        np.testing.assert_array_equal(_np(twin((4, 5))), _np(original((4, 5))))
    assert keras.initializers.GlorotUniform(seed=3).clone().get_config() == REF["initializer_clone"]["glorot"]
    assert keras.initializers.Constant(2.5).clone().get_config() == REF["initializer_clone"]["constant"]
    assert isinstance(keras.initializers.Zeros().clone(), keras.initializers.Zeros)


def test_mel_matrix_matches_keras():
    mel = keras.layers.MelSpectrogram()
    np.testing.assert_allclose(_np(mel.linear_to_mel_weight_matrix()), REF["mel_matrix_default"], rtol=1e-4,
                               atol=1e-5)  # Keras computes in float32
    custom = mel.linear_to_mel_weight_matrix(num_mel_bins=8, num_spectrogram_bins=33, sampling_rate=16000,
                                             lower_edge_hertz=0.0, upper_edge_hertz=8000.0)
    assert tuple(custom.shape) == (33, 8) and custom.dtype == torch.float32
    np.testing.assert_allclose(_np(custom), REF["mel_matrix_custom"], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="Nyquist"):
        mel.linear_to_mel_weight_matrix(sampling_rate=8000, upper_edge_hertz=5000.0)


def test_muon_helpers_match_keras():
    ref = REF["muon"]
    muon = keras.optimizers.Muon()
    x, tall = np.asarray(ref["x"], "float32"), np.asarray(ref["tall"], "float32")
    np.testing.assert_allclose(_np(muon.zeropower_via_newtonschulz5(torch.as_tensor(x), 5)), ref["zeropower_5"],
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(muon.zeropower_via_newtonschulz5(torch.as_tensor(tall), 3)),
                               ref["tall_zeropower_3"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(_np(muon.lr_adjust(torch.as_tensor(tall))), ref["lr_adjust"], rtol=1e-6)
    assert tuple(muon.transpose_last_axis(torch.zeros(2, 3, 4)).shape) == (2, 4, 3)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        muon.zeropower_via_newtonschulz5(torch.ones(3), 5)


def test_stacked_rnn_cells_get_initial_state():
    cells = keras.layers.StackedRNNCells([keras.layers.LSTMCell(3), keras.layers.GRUCell(2),
                                          keras.layers.SimpleRNNCell(4)])
    states = cells.get_initial_state(5)
    shapes = [[tuple(t.shape) for t in s] if isinstance(s, list) else tuple(s.shape) for s in states]
    assert shapes == [[(5, 3), (5, 3)], [(5, 2)], [(5, 4)]]  # Keras 3.15.1's structure
    assert all(float(torch.as_tensor(t).abs().sum()) == 0 for s in states for t in (s if isinstance(s, list) else [s]))
    rnn = keras.layers.RNN(cells)  # the RNN wrapper still runs the stack with flat states
    assert tuple(rnn(np.zeros((2, 4, 3), "float32")).shape) == (2, 4)


def test_loss_scale_optimizer_stateless_apply_matches_apply():
    variable = keras.Variable(np.ones((3,), "float32"))
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=4.0,
                                                    dynamic_growth_steps=1)
    optimizer.build([variable])
    state = [_np(v).copy() for v in optimizer.variables]
    grads = [torch.tensor([4.0, 8.0, 12.0])]
    new_values, new_state = optimizer.stateless_apply(state, grads, [variable])
    np.testing.assert_array_equal(_np(variable), 1.0)  # nothing real changed
    assert [float(_np(v)) for v in optimizer.variables] == [float(s) for s in state]
    np.testing.assert_allclose(_np(new_values[0]), [0.9, 0.8, 0.7], rtol=1e-6)
    assert float(_np(new_state[3])) == 8.0  # the scale doubled after one finite step
    skipped, skipped_state = optimizer.stateless_apply(state, [torch.tensor([np.inf, 1.0, 1.0])], [variable])
    np.testing.assert_array_equal(_np(skipped[0]), 1.0)
    assert float(_np(skipped_state[3])) == 2.0
    optimizer.apply(grads, [variable])
    np.testing.assert_allclose(_np(variable), _np(new_values[0]))
    np.testing.assert_allclose([float(_np(v)) for v in optimizer.variables], [float(_np(v)) for v in new_state])
    with pytest.raises(ValueError, match="optimizer_variables"):
        optimizer.stateless_apply(state[:2], grads, [variable])


def test_callback_list_batch_aliases_and_py_dataset_on_epoch_begin():
    seen = []

    class Probe(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_train_batch_end(self, batch, logs=None):
            seen.append(("end", batch))

    callbacks = keras.callbacks.CallbackList([Probe()])
    callbacks.on_batch_begin(3)
    callbacks.on_batch_end(3, {"loss": 1.0})
    assert seen == [("begin", 3), ("end", 3)]

    events = []

    class Data(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.ones((2, 3), "float32"), np.ones((2, 1), "float32")

        def on_epoch_begin(self):
            events.append("begin")

        def on_epoch_end(self):
            events.append("end")

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(Data(), epochs=2, verbose=0)
    assert events[:4] == ["begin", "end", "begin", "end"]
    keras.utils.PyDataset().on_epoch_begin()  # the base hook does nothing


def test_keras_tensor_reshape_squeeze_and_function_methods():
    x = keras.Input((3, 1))
    assert tuple(x.reshape((-1, 3)).shape) == (None, 3)
    assert tuple(x.squeeze(-1).shape) == (None, 3)
    inputs = keras.Input((3,))
    function = keras.Function(inputs, keras.ops.sum(inputs * 2, axis=-1))
    assert function.compute_output_shape((None, 3)) == (None,)
    assert function.compute_output_shape((5, 3)) == (5,)
    other = keras.Input((3,))
    out = function.symbolic_call(other)
    model = keras.Model(other, out)
    np.testing.assert_allclose(_np(model(np.ones((2, 3), "float32"))), [6.0, 6.0])
    with pytest.raises(NotImplementedError, match="Function"):
        function.get_config()
    fn = function.call
    assert function.rematerialized_call(fn) == fn


def test_operation_hooks():
    class Double(keras.Operation):
        def call(self, x):
            return x * 2

    op = Double()
    with pytest.raises(NotImplementedError, match="quantized_call"):
        op.quantized_call(1)
    assert op.rematerialized_call(op.call) == op.call


def test_lora_conv_predict_follows_a_and_b_through_the_fused_inference_plan():
    # predict folds Conv+BatchNorm into one convolution and caches the folded weights; a LoRA conv's
    # kernel is computed afresh from the frozen kernel, A and B, so the cache must notice A and B change.
    rng = np.random.default_rng(3)
    x = rng.random((16, 6, 6, 3)).astype("float32")
    inputs = keras.Input((6, 6, 3))
    conv = keras.layers.Conv2D(4, 3, activation="relu")
    outputs = keras.layers.GlobalAveragePooling2D()(keras.layers.BatchNormalization()(conv(inputs)))
    model = keras.Model(inputs, outputs)
    model.predict(x, verbose=0)
    conv.enable_lora(2)
    for step in range(5):
        with torch.no_grad():
            conv.lora_kernel_b.copy_(torch.as_tensor(rng.normal(size=tuple(conv.lora_kernel_b.shape)),
                                                     dtype=torch.float32))
        expected = model(x, training=False).detach().numpy()
        np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
