"""tkeras against facts recorded from Keras 3.15.1 (tests/fixtures/make_dtype_graph_fidelity_reference.py):
the dtype each model input reaches its first layer in, the cast each layer inside a model makes to its
own dtype, metric state dtypes, `Loss.dtype`, and the graph `Sequential.build(shape)` leaves behind.
"""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, losses, metrics, mixed_precision
from tkeras.backend import config

with open(os.path.join(os.path.dirname(__file__), "fixtures", "dtype_graph_fidelity_reference.json")) as _f:
    REF = json.load(_f)

FINE = 1.0 + 2.0 ** -40


@pytest.fixture(autouse=True)
def _float32_policy():
    mixed_precision.set_global_policy("float32")
    yield
    mixed_precision.set_global_policy("float32")
    config.set_floatx("float32")


def _name(dtype):
    return config.dtype_name(config.standardize_dtype(dtype))


class Probe(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(autocast=False, **kwargs)
        self.seen = []

    def call(self, x):
        self.seen.append(_name(x.dtype))
        return x


def _model(kind, input_dtype):
    probe = Probe()
    inp = keras.Input((2,), dtype=input_dtype)
    if kind == "functional":
        return keras.Model(inp, probe(inp)), probe
    return keras.Sequential([inp, probe]), probe


# -- 1. model inputs ----------------------------------------------------------------------------------
INPUT_CASES = sorted(k for k in REF["inputs"] if k.count("/") == 2)


@pytest.mark.parametrize("case", INPUT_CASES)
def test_input_reaches_first_layer_in_its_declared_dtype(case):
    kind, input_dtype, feed = case.split("/")
    ref = REF["inputs"][case]
    model, probe = _model(kind, input_dtype)
    x = np.ones((3, 2), dtype=feed)
    probe.seen.clear()
    out = model(x)
    assert (probe.seen[-1], _name(out.dtype)) == (ref["call_seen"], ref["call_out"])
    probe.seen.clear()
    torch_out = model(torch.as_tensor(x))  # a torch tensor gets the same treatment as the array
    assert (probe.seen[-1], _name(torch_out.dtype)) == (ref["call_seen"], ref["call_out"])
    probe.seen.clear()
    if input_dtype == "bfloat16":
        pytest.skip("NumPy has no bfloat16 for predict to return (Keras answers with ml_dtypes)")
    predicted = model.predict(x, verbose=0)
    assert (probe.seen[-1], str(predicted.dtype)) == (ref["predict_seen"], ref["predict_out"])


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_float64_input_precision(kind):
    ref = REF["inputs"][f"{kind}/float64_precision"]
    model, _ = _model(kind, "float64")
    x = np.full((2, 2), FINE)
    called = model(torch.as_tensor(x))
    assert (float(called[0, 0]) == FINE) is ref["call_exact"]
    assert (float(model.predict(x, verbose=0)[0, 0]) == FINE) is ref["predict_exact"]
    if kind == "sequential":
        assert (float(model(x)[0, 0]) == FINE) is ref["call_exact"]


def test_float64_numpy_into_functional_keeps_digits():
    model, _ = _model("functional", "float64")
    assert float(model(np.full((2, 2), FINE))[0, 0]) == FINE


@pytest.mark.parametrize("input_dtype", ["float64", "float16", "int32"])
def test_fit_hands_data_in_the_input_dtype(input_dtype):
    probe = Probe()
    inp = keras.Input((2,), dtype=input_dtype)
    model = keras.Model(inp, layers.Dense(1)(probe(inp)))
    model.compile("sgd", "mse")
    probe.seen.clear()
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, batch_size=4, verbose=0)
    assert sorted(set(probe.seen)) == REF["inputs"][f"fit/{input_dtype}"]


def test_several_inputs_each_get_their_own_dtype():
    a = keras.Input((2,), dtype="float64", name="a")
    b = keras.Input((2,), dtype="int32", name="b")
    pa, pb = Probe(), Probe()
    model = keras.Model({"a": a, "b": b}, [pa(a), pb(b)])
    model({"a": np.ones((2, 2), "float32"), "b": np.ones((2, 2), "float64")})
    assert pb.seen[-1] == REF["inputs"]["dict/a_b"][1]
    model = keras.Model([a, b], [pa(a), pb(b)])
    model([torch.full((2, 2), FINE, dtype=torch.float64), torch.ones((2, 2), dtype=torch.int64)])
    assert [pa.seen[-1], pb.seen[-1]] == REF["inputs"]["list/a_b"]
    exact = float(model([np.full((2, 2), FINE), np.ones((2, 2))])[0][0, 0]) == FINE
    assert exact is REF["inputs"]["list/a_exact"]


@pytest.mark.parametrize("input_dtype", ["float64", "float16", "int32"])
def test_dense_after_a_non_float32_input(input_dtype):
    ref = REF["inputs"][f"dense_after/{input_dtype}"]
    inp = keras.Input((2,), dtype=input_dtype)
    model = keras.Model(inp, layers.Dense(3)(inp))
    assert model.outputs[0].dtype == ref["symbolic"]
    assert _name(model(np.ones((2, 2))).dtype) == ref["call"]


def test_model_dtype_is_untouched_by_the_input_dtype():
    model, _ = _model("functional", "float64")
    assert model.dtype == "float32" and model.compute_dtype == "float32"


# -- 1b. layers inside a model cast float inputs to their own dtype -----------------------------------
class AutoProbe(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, x):
        self.seen.append(_name(x.dtype))
        return x


class HalvesThenDense(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x.to(torch.float16))


@pytest.mark.parametrize("key", sorted(k for k in REF["inner"] if k.startswith("inner_probe/")))
def test_inner_layer_casts_float_inputs_to_its_dtype(key):
    ref = REF["inner"][key]
    _, layer_dtype, input_dtype = key.split("/")
    probe = AutoProbe(dtype=layer_dtype)
    inp = keras.Input((2,), dtype=input_dtype)
    head = probe(inp) if layer_dtype == "float32" else layers.Dense(2)(probe(inp))
    model = keras.Model(inp, head)
    feed = "float64" if layer_dtype == "float32" else "float32"
    for run in (lambda x: model(x), lambda x: model(torch.as_tensor(x)),
                lambda x: model.predict(x, verbose=0)):
        probe.seen.clear()
        out = run(np.ones((3, 2), feed))
        assert (probe.seen[-1], _name(torch.as_tensor(np.asarray(out)).dtype)) == (ref["seen"], ref["out"])
    if input_dtype not in ("int32", "bool"):  # tkeras reports a custom layer's compute dtype for ids
        assert model.outputs[0].dtype == ref["symbolic"]


def test_inner_layer_cast_in_fit():
    probe = AutoProbe(dtype="float64")
    inp = keras.Input((2,))
    model = keras.Model(inp, layers.Dense(1)(probe(inp)))
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), batch_size=2, verbose=0)
    assert set(probe.seen) == {REF["inner"]["inner_probe/float64/float32"]["seen"]}


def test_float64_dense_inside_a_float32_model():
    ref = REF["inner"]["float64_dense_in_float32_model"]
    inp = keras.Input((2,))
    wide = layers.Dense(2, dtype="float64")(inp)
    model = keras.Model(inp, [wide, layers.Dense(2)(wide)])
    assert [t.dtype for t in model.outputs] == ref["symbolic"]
    assert [_name(o.dtype) for o in model(np.ones((3, 2), "float32"))] == ref["call"]
    model.compile("sgd", ["mse", "mse"])
    model.fit(np.ones((4, 2)), [np.ones((4, 2)), np.ones((4, 2))], verbose=0)
    assert [str(p.dtype) for p in model.predict(np.ones((2, 2)), verbose=0)] == ref["call"]


def test_float64_stack_keeps_digits():
    ref = REF["inner"]["float64_stack_exact"]
    model = keras.Sequential([keras.Input((2,), dtype="float64"),
                              layers.Dense(1, dtype="float64", use_bias=False, kernel_initializer="ones")])
    for x in (np.array([[FINE, 0.0]]), torch.tensor([[FINE, 0.0]], dtype=torch.float64)):
        value = model(x)
        assert _name(value.dtype) == ref["dtype"]
        assert (float(value[0, 0]) == FINE) is ref["exact"]


def test_half_and_double_tensors_into_a_float32_dense():
    ref = REF["inner"]
    dense = layers.Dense(3)
    assert _name(dense(np.ones((2, 2), "float16")).dtype) == ref["float16_into_dense"]
    assert _name(dense(np.ones((2, 2), "float64")).dtype) == ref["float64_into_dense"]
    assert _name(HalvesThenDense()(np.ones((2, 2), "float32")).dtype) == ref["float16_into_inner_dense"]
    outer = keras.Sequential([keras.Input((2,)), HalvesThenDense()])
    assert _name(outer(np.ones((2, 2), "float32")).dtype) == ref["float16_into_inner_dense"]


def test_merging_float64_and_float32_inputs():
    ref = REF["inner"]["merge_float64_float32"]
    a, b = keras.Input((2,), dtype="float64"), keras.Input((2,))
    model = keras.Model([a, b], [layers.Concatenate()([a, b]), layers.Add()([a, b])])
    assert [t.dtype for t in model.outputs] == ref["symbolic"]
    assert [_name(o.dtype) for o in model([np.ones((2, 2)), np.ones((2, 2))])] == ref["call"]


@pytest.mark.parametrize("input_dtype", ["float64", "float32"])
def test_mixed_layer_after_a_float_input(input_dtype):
    ref = REF["inner"][f"mixed_float16/{input_dtype}"]
    mixed_precision.set_global_policy("mixed_float16")
    probe = AutoProbe()
    inp = keras.Input((2,), dtype=input_dtype)
    model = keras.Model(inp, layers.Dense(3)(probe(inp)))
    probe.seen.clear()
    out = model(np.ones((2, 2)))
    assert (_name(out.dtype), str(model.predict(np.ones((2, 2)), verbose=0).dtype)) == (ref["out"], ref["predict"])
    if input_dtype == "float64":  # torch.autocast passes float64 by, so tkeras casts it as Keras does;
        assert probe.seen[0] == ref["seen"]  # float32 is left to autocast (the call sees float32)
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 3)), verbose=0)


@pytest.mark.parametrize("input_dtype", ["float64", "float16"])
def test_layernorm_keeps_its_input_dtype_and_hands_out_float32(input_dtype):
    ref = REF["inner"][f"layernorm_after/{input_dtype}"]
    inp = keras.Input((2,), dtype=input_dtype)
    model = keras.Model(inp, layers.LayerNormalization()(inp))
    assert model.outputs[0].dtype == ref["symbolic"]
    assert _name(model(np.ones((2, 2))).dtype) == ref["call"]


# -- 2. metric state ----------------------------------------------------------------------------------
METRIC_ARGS = {
    "MeanIoU": dict(num_classes=2), "IoU": dict(num_classes=2, target_class_ids=[0]),
    "OneHotIoU": dict(num_classes=2, target_class_ids=[0]), "OneHotMeanIoU": dict(num_classes=2),
    "PrecisionAtRecall": dict(recall=0.5), "RecallAtPrecision": dict(precision=0.5),
    "SensitivityAtSpecificity": dict(specificity=0.5), "SpecificityAtSensitivity": dict(sensitivity=0.5),
}


@pytest.mark.parametrize("name", sorted(REF["metrics"]))
@pytest.mark.parametrize("key", ["default", "float64"])
def test_metric_state_and_result_dtypes(name, key):
    ref = REF["metrics"][name][key]
    metric = getattr(metrics, name)(dtype=None if key == "default" else "float64", **METRIC_ARGS.get(name, {}))
    if name in ("F1Score", "FBetaScore", "R2Score"):
        metric.update_state(np.array([[1.0, 0, 0], [0, 1, 0]]), np.array([[0.9, 0.1, 0], [0.2, 0.7, 0.1]]))
    assert metric.dtype == ref["dtype"]
    assert [_name(v.dtype) for v in metric.variables] == ref["variables"]
    assert _name(metric.result().dtype) == ref["result"]


def test_float64_auc_still_counts():
    auc = metrics.AUC(dtype="float64")
    auc.update_state([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    assert float(auc.result()) == pytest.approx(1.0)
    r2 = metrics.R2Score(dtype="float64")
    r2.update_state(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [3.5]]))
    assert float(r2.result()) == pytest.approx(1 - 0.25 / 2.0, rel=1e-6)


# -- 3. Loss.dtype ------------------------------------------------------------------------------------
@pytest.mark.parametrize("label", ["default", "float64", "float16", "mixed_float16", "mixed_bfloat16"])
def test_loss_dtype_is_a_name_and_sets_the_value_dtype(label):
    ref = REF["losses"][label]
    loss = losses.MeanSquaredError(**({} if label == "default" else {"dtype": label}))
    assert type(loss.dtype).__name__ == ref["dtype_type"] and loss.dtype == ref["dtype"]
    assert sorted(loss.get_config()) == ref["config_keys"]
    for feed, expected in ref["values"].items():
        value = loss(np.ones((2, 3), feed), np.zeros((2, 3), feed))
        assert _name(value.dtype) == expected, feed


def test_loss_dtype_fixed_when_made():
    assert losses.CategoricalCrossentropy(dtype="float64").dtype == REF["losses"]["crossentropy_float64"]
    assert losses.MeanSquaredError(dtype=torch.float64).dtype == "float64"
    early = losses.MeanSquaredError()
    config.set_floatx("float64")
    facts = {"made_before": early.dtype, "made_after": losses.MeanSquaredError().dtype}
    config.set_floatx("float32")
    assert facts == REF["losses"]["floatx_float64"]
    mixed_precision.set_global_policy("mixed_float16")
    assert losses.MeanSquaredError().dtype == REF["losses"]["global_mixed_float16"]


def test_loss_bad_dtype_names_the_loss():
    with pytest.raises(ValueError, match="MeanSquaredError.*float99"):
        losses.MeanSquaredError(dtype="float99")


# -- 4. Sequential.build ------------------------------------------------------------------------------
def _counts(layer_list):
    return {"inbound": [len(l._inbound_nodes) for l in layer_list],
            "outbound": [len(l._outbound_nodes) for l in layer_list]}


def test_sequential_build_makes_the_graph():
    ref = REF["sequential_build"]
    d1, d2 = layers.Dense(4), layers.Dense(2)
    model = keras.Sequential([d1, d2])
    assert _counts([d1, d2]) == ref["before_build"]
    model.build((None, 3))
    assert _counts([d1, d2]) == ref["after_build"]
    assert [{"shape": list(t.shape), "dtype": t.dtype} for t in model.inputs] == ref["inputs"]
    assert [{"shape": list(t.shape), "dtype": t.dtype} for t in model.outputs] == ref["outputs"]
    assert list(d1.input.shape) == ref["layer_io"]["d1_input"]
    assert list(d2.output.shape) == ref["layer_io"]["d2_output"]
    assert (d2.input is d1.output) is ref["layer_io"]["chained"]
    model.predict(np.ones((2, 3)), verbose=0)
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    assert _counts([d1, d2]) == ref["after_predict_fit"]


def test_sequential_build_conv_stack_and_summary(capsys):
    ref = REF["sequential_build"]
    conv, flat, dense = layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)
    model = keras.Sequential([conv, flat, dense])
    model.build((None, 8, 8, 1))
    assert _counts([conv, flat, dense]) == ref["conv_after_build"]
    shapes = [list(conv.output.shape), list(flat.output.shape), list(dense.output.shape)]
    assert shapes == ref["conv_output_shapes"]
    model.summary()
    printed = capsys.readouterr().out
    for shape in ref["conv_output_shapes"]:
        assert str(tuple(shape)).replace("None", "None") in printed


def test_sequential_called_on_data_has_its_graph():
    ref = REF["sequential_build"]
    fresh = layers.Dense(2)
    model = keras.Sequential([fresh])
    model(np.ones((2, 3)))
    assert {"inbound": len(fresh._inbound_nodes), "n_inputs": len(model.inputs)} == ref["called_on_data"]
    embedding = layers.Embedding(10, 4)
    model = keras.Sequential([embedding])
    model.build((None, 5))
    assert model.inputs[0].dtype == ref["embedding_input_dtype"]
