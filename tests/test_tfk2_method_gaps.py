"""tf-keras 2 methods Keras 3 dropped, checked against numbers recorded from tf-keras 2.21
(tests/fixtures/make_tfk2_method_gaps_reference.py -> tfk2_method_gaps_reference.json)."""
import json
import os
import warnings

import numpy as np
import pytest
import torch

import tkeras as k

REF = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "tfk2_method_gaps_reference.json")))
INP = {key: np.asarray(value) for key, value in REF["inputs"].items()}


def _metric_cases():
    y_true, y_pred = INP["y_true"].astype("float32"), INP["y_pred"].astype("float32")
    reg_true, reg_pred = INP["reg_true"].astype("float32"), INP["reg_pred"].astype("float32")
    c_true, c_pred = INP["class_true"], INP["class_pred"]
    return {
        "Mean": (lambda: k.metrics.Mean(), (y_pred,)),
        "Sum": (lambda: k.metrics.Sum(), (y_pred,)),
        "BinaryAccuracy": (lambda: k.metrics.BinaryAccuracy(), (y_true, y_pred)),
        "AUC": (lambda: k.metrics.AUC(num_thresholds=20), (y_true, y_pred)),
        "AUC_PR": (lambda: k.metrics.AUC(num_thresholds=20, curve="PR"), (y_true, y_pred)),
        "Precision": (lambda: k.metrics.Precision(), (y_true, y_pred)),
        "Recall": (lambda: k.metrics.Recall(thresholds=[0.3, 0.6]), (y_true, y_pred)),
        "MeanIoU": (lambda: k.metrics.MeanIoU(num_classes=3), (c_true, c_pred)),
        "RootMeanSquaredError": (lambda: k.metrics.RootMeanSquaredError(), (reg_true, reg_pred)),
        "MeanAbsoluteError": (lambda: k.metrics.MeanAbsoluteError(), (reg_true, reg_pred)),
        "SensitivityAtSpecificity": (lambda: k.metrics.SensitivityAtSpecificity(0.5, num_thresholds=20),
                                     (y_true, y_pred)),
        "TruePositives": (lambda: k.metrics.TruePositives(), (y_true, y_pred)),
    }


# -- metrics ---------------------------------------------------------------------------------------
# Where tkeras' state follows Keras 3 rather than tf-keras 2 (results agree, the variables differ):
# Keras 3 names a single-count metric's variable after it; Keras 3's RootMeanSquaredError counts samples,
# tf-keras 2's counts elements (total and count both scale, the result is the same).
STATE_NAMES_DIFFER = {"TruePositives": {"true_positives": "accumulator"}}
STATE_VALUES_DIFFER = {"RootMeanSquaredError"}


@pytest.mark.parametrize("name", sorted(REF["metrics"]))
def test_metric_merge_state_matches_tf_keras(name):
    factory, arrays = _metric_cases()[name]
    expected = REF["metrics"][name]
    a, b = factory(), factory()
    a.update_state(*(x[:5] for x in arrays))
    b.update_state(*(x[5:] for x in arrays))
    a.merge_state([b])
    np.testing.assert_allclose(np.asarray(a.result()), expected["merged_result"], rtol=1e-5, atol=1e-6)
    # get_weights: the same state variables as tf-keras (tkeras keeps Keras 3's order, see report)
    renamed = STATE_NAMES_DIFFER.get(name, {})
    ours = {renamed.get(v.name, v.name): w for v, w in zip(a.variables, a.get_weights())}
    assert sorted(ours) == sorted(expected["weight_names"])
    for weight_name, value in expected["merged_weights"].items():
        if name in STATE_VALUES_DIFFER:
            break
        np.testing.assert_allclose(ours[weight_name], value, rtol=1e-5, atol=1e-5)
    assert a.count_params() == expected["count_params"]


def test_metric_get_set_weights_round_trip_and_errors():
    m = k.metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    assert [float(w) for w in m.get_weights()] == [6.0, 3.0]
    m.set_weights([np.array(10.0), np.array(4.0)])
    assert float(m.result()) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        m.set_weights([np.array(1.0)])
    with pytest.raises(ValueError):
        m.set_weights([np.zeros(2), np.array(1.0)])
    store = {}
    m.save_own_variables(store)
    assert sorted(store) == ["0", "1"]
    other = k.metrics.Mean()
    other.load_own_variables(store)
    assert float(other.result()) == pytest.approx(2.5)


def test_metric_merge_state_refuses_other_kinds_and_accepts_several():
    with pytest.raises(ValueError):
        k.metrics.Mean().merge_state([k.metrics.Sum()])
    with pytest.raises(ValueError):
        k.metrics.MeanIoU(num_classes=3).merge_state([k.metrics.MeanIoU(num_classes=4)])
    parts = []
    for values in ([1.0, 2.0], [3.0], [4.0, 5.0, 6.0]):
        m = k.metrics.Mean()
        m.update_state(values)
        parts.append(m)
    parts[0].merge_state(parts[1:])
    assert float(parts[0].result()) == pytest.approx(3.5)
    # the merged metrics are left as they were
    assert float(parts[2].result()) == pytest.approx(5.0)


def test_metric_layer_surface():
    m = k.metrics.Accuracy()
    x = torch.ones(2)
    assert m.call(x) is x
    assert m.compute_mask(x) is None
    with pytest.raises(TypeError):
        m.compute_mask(x, torch.ones(2, dtype=torch.bool))
    assert m.compute_output_shape((None, 3)) == ()
    assert m.get_build_config() is None
    m.build((None, 3))
    assert m.get_build_config() == {"input_shape": (None, 3)}
    fresh = k.metrics.Accuracy()
    fresh.build_from_config({"input_shape": (None, 3)})
    assert fresh.get_build_config() == {"input_shape": (None, 3)}
    with pytest.raises(ValueError):
        m.add_loss(1.0)
    m.add_loss(lambda: torch.tensor(2.0))
    assert [float(v) for v in m.losses] == [2.0]
    with pytest.raises(RuntimeError):
        m.get_input_at(0)


# -- layer node API --------------------------------------------------------------------------------
def as_lists(shapes):
    return [list(s) for s in shapes]


def test_node_api_matches_tf_keras():
    ref = REF["nodes"]
    a, b = k.Input((3,), name="a"), k.Input((4,), name="b")
    shared = k.layers.Dense(2, name="shared")
    first = shared(a)
    shared(k.Input((5, 3)))
    concat = k.layers.Concatenate(name="cat")
    merged = concat([a, b])
    model = k.Model([a, b], k.layers.Dense(1, name="head")(merged))
    with pytest.raises(RuntimeError):  # as tf-keras: building a functional model adds no node to it
        model.get_input_shape_at(0)
    model([k.Input((3,)), k.Input((4,))])
    assert as_lists([shared.get_input_shape_at(i) for i in range(2)]) == ref["shared_input_shapes"]
    assert as_lists([shared.get_output_shape_at(i) for i in range(2)]) == ref["shared_output_shapes"]
    assert as_lists(concat.get_input_shape_at(0)) == ref["concat_input_shapes"]
    assert list(concat.get_output_shape_at(0)) == ref["concat_output_shape"]
    input_layer = model.layers[0]
    assert [list(input_layer.get_input_shape_at(0)), list(input_layer.get_output_shape_at(0))] == \
        ref["input_layer_shapes"]
    assert input_layer.get_input_at(0) is a and input_layer.get_output_at(0) is a
    assert len(model._inbound_nodes) == ref["model_nodes"]
    assert as_lists(model.get_input_shape_at(0)) == ref["model_input_shapes_at_0"]
    assert list(model.get_output_shape_at(0)) == ref["model_output_shape_at_0"]
    assert shared.get_input_at(0) is a and shared.get_output_at(0) is first
    assert isinstance(concat.get_input_at(0), list) and concat.get_input_at(0)[1] is b
    assert [shared.get_input_mask_at(0), shared.get_output_mask_at(0)] == ref["dense_masks"]
    assert concat.get_input_mask_at(0) == [None, None]
    with pytest.raises(ValueError):
        shared.get_input_at(2)
    with pytest.raises(RuntimeError):
        k.layers.Dense(2).get_output_at(0)


def test_compute_output_signature_add_update_finalize_state():
    dense = k.layers.Dense(4)
    spec = dense.compute_output_signature(k.KerasTensor((None, 3)) if hasattr(k, "KerasTensor")
                                          else k.Input((3,)))
    assert spec.shape == (None, 4) and spec.dtype == "float32"
    with pytest.raises(TypeError):
        dense.compute_output_signature([(None, 3)])
    calls = []
    dense.add_update([lambda: calls.append(1), torch.zeros(1)])
    assert calls == [1]

    class Frozen(k.layers.Layer):
        def call(self, x):
            self.add_update(lambda: calls.append(2))
            return x
    frozen = Frozen(trainable=False)
    frozen(torch.ones(1))
    assert calls == [1]
    assert dense.finalize_state() is None


# -- optimizers ------------------------------------------------------------------------------------
def test_optimizer_compute_and_aggregate_gradients_match_tf_keras():
    ref = REF["optimizer"]
    v, w, unused = k.Variable(np.array([1.0, -2.0, 0.5], "float32")), k.Variable(np.float32(3.0)), \
        k.Variable(np.float32(1.0))
    opt = k.optimizers.SGD(0.1)
    pairs = opt.compute_gradients(lambda: (v * v).sum() * w + w, [v, w, unused])
    assert [p[1] for p in pairs] == [v, w, unused]
    assert pairs[2][0] is None and ref["callable_grads"][2] is None
    np.testing.assert_allclose(pairs[0][0].numpy(), ref["callable_grads"][0], rtol=1e-6)
    assert float(pairs[1][0]) == pytest.approx(ref["callable_grads"][1])
    with k.GradientTape() as tape:
        loss = torch.sin(v).sum() * w
    taped = opt.compute_gradients(loss, [v, w], tape=tape)
    np.testing.assert_allclose(np.asarray(taped[0][0]), ref["taped_grads"][0], rtol=1e-5)
    assert float(taped[1][0]) == pytest.approx(ref["taped_grads"][1], rel=1e-5)
    aggregated = opt.aggregate_gradients(pairs)
    assert [g is None for g, _ in aggregated] == [False, False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt.apply_gradients(aggregated)
    np.testing.assert_allclose(v.numpy(), ref["after_apply"][0], rtol=1e-5)
    assert float(w) == pytest.approx(ref["after_apply"][1]) and float(unused) == ref["after_apply"][2]
    with pytest.raises(ValueError):
        opt.aggregate_gradients([(None, v)])


def test_compute_gradients_with_callable_var_list_reads_it_after_the_loss():
    layer = k.layers.Dense(2)
    x = torch.ones(3, 4)
    pairs = k.optimizers.Adam().compute_gradients(lambda: layer(x).sum(), lambda: layer.trainable_weights)
    assert [tuple(g.shape) for g, _ in pairs] == [(4, 2), (2,)]


# -- models ----------------------------------------------------------------------------------------
def test_model_get_weight_paths_reset_states_save_spec_to_yaml():
    ref = REF["models"]
    inputs = k.Input((4,), name="x")
    h = k.layers.BatchNormalization(name="bn")(k.layers.Dense(3, name="d1")(inputs))
    functional = k.Model(inputs, k.layers.Dense(2, name="d2")(h))
    paths = functional.get_weight_paths()
    assert list(paths) == ref["functional_paths"]
    assert paths["d1.kernel"] is functional.get_layer("d1").kernel

    class Sub(k.Model):
        def __init__(self):
            super().__init__()
            self.d1 = k.layers.Dense(3)
            self.blocks = [k.layers.Dense(2), k.layers.Dense(1)]

        def call(self, x):
            return self.blocks[1](self.blocks[0](self.d1(x)))
    sub = Sub()
    assert list(sub.get_weight_paths()) == ref["subclassed_paths_before_call"]
    assert sub.save_spec() is None
    sub(np.zeros((2, 4), "float32"))
    assert list(sub.get_weight_paths()) == ref["subclassed_paths"]
    specs, kwargs = sub.save_spec()
    assert kwargs == {} and specs[0].shape == (None, 4)

    rnn = k.Sequential([k.Input((3, 2), batch_size=2), k.layers.LSTM(2, stateful=True, name="lstm")])
    assert list(rnn.get_weight_paths()) == ref["lstm_paths"]
    rnn(np.random.default_rng(0).random((2, 3, 2)).astype("float32"))
    assert any(float(torch.as_tensor(s).abs().sum()) > 0 for s in rnn.layers[0].states)
    rnn.reset_states()
    assert [np.asarray(s).tolist() for s in rnn.layers[0].states] == ref["lstm_state_after_reset"]

    assert [[list(s.shape), s.dtype, s.name] for s in functional.save_spec()[0]] == ref["save_spec_functional"]
    a, b = k.Input((4,), name="a", batch_size=3), k.Input((2,), name="b", dtype="int32")
    two = k.Model([a, b], k.layers.Concatenate()([a, k.layers.Lambda(lambda t: t * 1.0)(b)]))
    assert [[list(s.shape), s.dtype, s.name] for s in two.save_spec()[0][0]] == ref["save_spec_two_inputs"]
    with pytest.raises(RuntimeError, match="to_json"):
        functional.to_yaml()


# -- callbacks -------------------------------------------------------------------------------------
def test_callback_list_append_set_model_set_params_make_logs():
    seen = []

    class Recorder(k.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
    callbacks = k.callbacks.CallbackList([], add_history=True)
    recorder = Recorder()
    callbacks.append(recorder)
    assert callbacks.callbacks[-1] is recorder
    callbacks.on_train_batch_end(3, {})
    assert seen == [3]
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae"])
    callbacks.set_model(model)
    assert recorder.model is model and model.history is callbacks.history
    callbacks.set_params({"epochs": 2, "steps": 5, "verbose": 0})
    assert recorder.params == {"epochs": 2, "steps": 5, "verbose": 0}
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
    names = model.metrics_names
    logs = callbacks.make_logs(model, {}, [float(i) for i in range(len(names))], "train", prefix="val_")
    assert logs == {f"val_{n}": float(i) for i, n in enumerate(names)}
    assert callbacks.make_logs(model, {}, [1.0], "predict") == {"outputs": [1.0]}
    empty = k.callbacks.CallbackList()
    assert empty.make_logs(model, {"a": 1}, [2.0], "train") == {"a": 1}


# -- preprocessing, RNN masks, spectral normalization ----------------------------------------------
def test_make_adapt_function_and_vocab_size():
    ref = REF["lookups"]
    strings = k.layers.StringLookup()
    strings.adapt(["a", "b", "b", "c", "c", "c"])
    ints = k.layers.IntegerLookup()
    ints.adapt([5, 5, 7, 9])
    with pytest.warns(DeprecationWarning):
        assert strings.vocab_size() == ref["string_vocab_size"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ints.vocab_size() == ref["integer_vocab_size"]
    norm = k.layers.Normalization(axis=None)
    step = norm.make_adapt_function()
    batches = iter([np.arange(i, i + 2, dtype="float32") for i in range(0, 8, 2)])
    step(batches)  # tf-keras recorded one call with steps_per_execution=2: the same two batches
    step(batches)
    norm.finalize_state()
    np.testing.assert_allclose([float(np.asarray(norm.mean).reshape(-1)[0]),
                                float(np.asarray(norm.variance).reshape(-1)[0])],
                               ref["normalization_after_one_call"], rtol=1e-6)
    for layer in (k.layers.Discretization(num_bins=3), k.layers.TextVectorization()):
        assert callable(layer.make_adapt_function())


@pytest.mark.parametrize("cls", [k.layers.GRU, k.layers.LSTM])
def test_rnn_layer_dropout_masks_use_the_cell(cls):
    layer = cls(4, dropout=0.5, recurrent_dropout=0.25)
    layer(np.zeros((2, 3, 5), "float32"))
    x = torch.ones(2, 5)
    masks = layer.get_dropout_mask_for_cell(x, training=True, count=3)
    assert len(masks) == 3 and masks[0].shape == (2, 5)
    assert layer.get_dropout_mask_for_cell(x, training=True, count=3) is masks
    assert layer.cell.get_dropout_mask_for_cell(x, training=True, count=3) is masks
    layer.reset_dropout_mask()
    assert layer.get_dropout_mask_for_cell(x, training=True, count=3) is not masks
    rec = layer.get_recurrent_dropout_mask_for_cell(torch.ones(2, 4), training=True)
    layer.reset_recurrent_dropout_mask()
    assert layer.get_recurrent_dropout_mask_for_cell(torch.ones(2, 4), training=True) is not rec
    assert cls(4).get_dropout_mask_for_cell(x, training=True) is None


def test_spectral_normalization_normalize_weights():
    layer = k.layers.SpectralNormalization(k.layers.Dense(3), power_iterations=20)
    layer(np.ones((1, 4), "float32"))
    kernel, vector_u = layer.normalize_weights()
    assert tuple(kernel.shape) == (4, 3) and tuple(vector_u.shape) == (1, 3)
    assert float(torch.linalg.matrix_norm(kernel.detach(), ord=2)) == pytest.approx(1.0, rel=1e-3)
    before = layer.kernel.detach().clone()
    layer.normalize_weights()
    assert torch.equal(layer.kernel.detach(), before)  # nothing assigned
