"""tkeras against facts recorded from Keras 3.15.1 (tests/fixtures/make_metric_layer_fidelity_reference.py):
metric dtypes as names, LayerNormalization's list axis after build, and `autocast=False` layers
(Embedding, LayerNormalization, GroupNormalization) under mixed policies.
"""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, metrics, mixed_precision
from tkeras.backend import config

with open(os.path.join(os.path.dirname(__file__), "fixtures", "metric_layer_fidelity_reference.json")) as _f:
    REF = json.load(_f)


@pytest.fixture(autouse=True)
def _float32_policy():
    mixed_precision.set_global_policy("float32")
    yield
    mixed_precision.set_global_policy("float32")


def _name(dtype):
    return config.dtype_name(config.standardize_dtype(dtype))


# -- metrics ------------------------------------------------------------------------------------------
METRICS = {
    "Mean": lambda **kw: metrics.Mean(**kw),
    "Sum": lambda **kw: metrics.Sum(**kw),
    "AUC": lambda **kw: metrics.AUC(**kw),
    "Accuracy": lambda **kw: metrics.Accuracy(**kw),
    "Precision": lambda **kw: metrics.Precision(**kw),
    "MeanSquaredError": lambda **kw: metrics.MeanSquaredError(**kw),
    "R2Score": lambda **kw: metrics.R2Score(**kw),
    "F1Score": lambda **kw: metrics.F1Score(**kw),
    "MeanIoU": lambda **kw: metrics.MeanIoU(num_classes=2, **kw),
    "PrecisionAtRecall": lambda **kw: metrics.PrecisionAtRecall(0.5, **kw),
}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_dtype_is_the_keras_name(name):
    ref = REF["metrics"][name]
    default, wide = METRICS[name](), METRICS[name](dtype="float64")
    assert isinstance(default.dtype, str) and default.dtype == ref["dtype"]
    assert default.get_config()["dtype"] == ref["config_dtype"]
    assert wide.dtype == ref["float64_dtype"] and wide.get_config()["dtype"] == ref["float64_config_dtype"]
    again = type(wide).from_config(wide.get_config())
    assert again.dtype == ref["round_trip_dtype"]
    assert again.get_config() == wide.get_config()


def test_metric_dtype_from_torch_dtype_and_policy_name():
    assert metrics.Mean(dtype=torch.float64).dtype == "float64"
    assert metrics.Mean(dtype=np.float64).get_config()["dtype"] == "float64"
    mixed = metrics.Mean(dtype="mixed_float16")
    assert mixed.dtype == REF["metrics"]["Mean_mixed_float16"]["dtype"]
    assert mixed.get_config()["dtype"] == REF["metrics"]["Mean_mixed_float16"]["config_dtype"]
    assert mixed.variables[0].dtype == torch.float16
    with pytest.raises(ValueError, match="dtype"):
        metrics.Mean(dtype="float99")


def test_metrics_still_compute_in_their_state_dtype():
    mean = metrics.Mean(dtype="float64")
    mean.update_state([1.0, 2.0, 4.0])
    result = mean.result()
    assert result.dtype == torch.float64 and float(result) == pytest.approx(7.0 / 3.0, rel=1e-12)
    auc = metrics.AUC(dtype="float64")
    auc.update_state([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    assert float(auc.result()) == pytest.approx(1.0)
    iou = metrics.MeanIoU(num_classes=2)
    iou.update_state([0, 1, 1], [0, 1, 0])
    assert iou.total_cm.dtype == torch.int32 and float(iou.result()) == pytest.approx((0.5 + 0.5) / 2)
    f1 = metrics.F1Score(average="micro", threshold=0.5, dtype="float64")
    f1.update_state(np.array([[1.0, 0.0]]), np.array([[0.9, 0.2]]))
    assert f1.result().dtype == torch.float64 and float(f1.result()) == pytest.approx(1.0)
    assert metrics.Mean().dtype_policy.name == "float32" and metrics.Mean().compute_dtype == "float32"


def test_custom_metric_reading_dtype_as_keras_code_does():
    class Total(metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")

        def update_state(self, values):
            self.total.assign_add(keras.ops.sum(keras.ops.cast(values, self.dtype)))

        def result(self):
            return self.total

    metric = Total(dtype="float64")
    metric.update_state(np.array([1.5, 2.5]))
    assert metric.dtype == "float64" and metric._dtype == "float64"
    assert metric.total.dtype == torch.float64 and float(metric.result()) == 4.0


# -- LayerNormalization axis -------------------------------------------------------------------------
AXES = {"int_-1": -1, "int_1": 1, "tuple_1_2": (1, 2), "list_2_1": [2, 1], "list_-1": [-1]}


@pytest.mark.parametrize("key", sorted(AXES))
def test_layer_norm_axis_before_and_after_build(key):
    ref = REF["layer_norm_axis"][key]
    layer = layers.LayerNormalization(axis=AXES[key])
    assert layer.axis == ref["before"] and layer.get_config()["axis"] == ref["config_before"]
    layer.build((2, 3, 4))
    assert layer.axis == ref["after"] and layer.get_config()["axis"] == ref["config_after"]
    assert type(layer.axis) is list


@pytest.mark.parametrize("axis", [-1, [-1], (1, 2), [2, 1]])
def test_layer_norm_configs_with_either_axis_form_compute_the_same(axis):
    x = torch.randn(3, 4, 5, generator=torch.Generator().manual_seed(0)) * 3 + 1
    layer = layers.LayerNormalization(axis=axis)
    y = np.asarray(layer(x))
    clone = layers.LayerNormalization.from_config(layer.get_config())  # the built (list) form
    clone.build(tuple(x.shape))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), y, rtol=1e-6, atol=1e-6)
    axes = [a % 3 for a in ([axis] if isinstance(axis, int) else axis)]
    mean = x.mean(dim=axes, keepdim=True)
    var = x.var(dim=axes, correction=0, keepdim=True)
    np.testing.assert_allclose(y, ((x - mean) / torch.sqrt(var + 1e-3)).numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axis", ["last", 1.5, [], [1, "2"], True])
def test_layer_norm_rejects_bad_axis(axis):
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis=axis)


# -- autocast -----------------------------------------------------------------------------------------
def test_autocast_flags():
    made = {
        "Embedding": layers.Embedding(10, 3), "LayerNormalization": layers.LayerNormalization(),
        "GroupNormalization": layers.GroupNormalization(groups=2), "BatchNormalization": layers.BatchNormalization(),
        "Dense": layers.Dense(2), "Normalization": layers.Normalization(), "Conv2D": layers.Conv2D(2, 3),
        "UnitNormalization": layers.UnitNormalization(),
    }
    assert {name: layer.autocast for name, layer in made.items()} == REF["autocast"]
    assert layers.LayerNormalization(autocast=True).autocast is False  # the layer decides, as in Keras


def _seen(layer, inputs, weight):
    device = inputs.device.type
    half = torch.is_autocast_enabled(device)
    # What a weight takes part in arithmetic as: autocast's dtype inside an autocast region.
    effective = torch.get_autocast_dtype(device) if half else weight.dtype
    layer.seen = {"input": _name(inputs.dtype), "weight": _name(effective)}


class SeenLayerNormalization(layers.LayerNormalization):
    def call(self, inputs):
        _seen(self, inputs, self.gamma)
        return super().call(inputs)


class SeenGroupNormalization(layers.GroupNormalization):
    def call(self, inputs):
        _seen(self, inputs, self.gamma)
        return super().call(inputs)


class SeenEmbedding(layers.Embedding):
    def call(self, inputs, training=None):
        _seen(self, inputs, self.embeddings)
        return super().call(inputs, training=training)


class SeenDense(layers.Dense):
    def call(self, inputs):
        _seen(self, inputs, self.kernel)
        return super().call(inputs)


FACTORIES = {
    "layer_norm": lambda: SeenLayerNormalization(),
    "layer_norm_float16_input": lambda: SeenLayerNormalization(),
    "layer_norm_axes_1_2": lambda: SeenLayerNormalization(axis=(1, 2)),
    "group_norm": lambda: SeenGroupNormalization(groups=2),
    "embedding": lambda: SeenEmbedding(2050, 2),
    "embedding_int_ids": lambda: SeenEmbedding(2050, 2),
    "dense": lambda: SeenDense(2),
}
# Layers whose call Keras runs without autocasting: their input dtype and weight reads must match.
NO_AUTOCAST = {"layer_norm", "layer_norm_float16_input", "layer_norm_axes_1_2", "group_norm"}
CASES = [(policy, key) for policy in REF["mixed"] for key in REF["mixed"][policy]]


def _run(policy, key, how):
    ref = REF["mixed"][policy][key]
    mixed_precision.set_global_policy(policy)
    layer = FACTORIES[key]()
    x = torch.tensor(ref["x"], dtype=config.standardize_dtype(ref["x_dtype"]))
    weights = [np.asarray(w, dtype="float32") for w in ref["weights"]]
    if how == "in_model":
        inputs = keras.Input(tuple(x.shape[1:]), dtype=ref["x_dtype"])
        model = keras.Model(inputs, layer(inputs))
        model.set_weights(weights)
        y = model(x)
    else:
        layer.build(tuple(x.shape))
        layer.set_weights(weights)
        if how == "fit_region":  # the torch.autocast region fit/evaluate/predict run their steps in
            with mixed_precision.autocast_scope():
                y = layer(x)
        else:
            y = layer(x)
    return layer, torch.as_tensor(np.asarray(y)) if not isinstance(y, torch.Tensor) else y


def _tolerance(dtype):
    return {"float16": 2e-3, "bfloat16": 1e-2}.get(dtype, 1e-5)


@pytest.mark.parametrize("how", ["eager", "in_model", "fit_region"])
@pytest.mark.parametrize("policy,key", CASES)
def test_mixed_policy_matches_keras(policy, key, how):
    ref = REF["mixed"][policy][key]["in_model" if how == "in_model" else "eager"]
    layer, y = _run(policy, key, how)
    assert _name(y.dtype) == ref["output_dtype"]
    assert sorted({_name(w.dtype) for w in layer.weights}) == ref["variable_dtypes"]
    # A functional model hands its layers float inputs in its own float dtype (Keras: in each Input's
    # dtype), so only outside a model does a float16 input reach the layer as float16; the numbers agree.
    model_recast = how == "in_model" and REF["mixed"][policy][key]["x_dtype"] == "float16"
    if (key in NO_AUTOCAST or key.startswith("embedding")) and not model_recast:
        assert layer.seen["input"] == ref["seen_input"]
    if key in NO_AUTOCAST:
        assert layer.seen["weight"] == ref["seen_weight"]
    got = y.detach().to(torch.float64).numpy()
    want = np.asarray(ref["output"], dtype="float64")
    assert np.isfinite(got).all()
    tol = _tolerance(ref["output_dtype"])
    if policy == "float32" and key.startswith("layer_norm"):
        tol = 2e-2  # rows near 1e5: float32 statistics of Keras' two-pass formula vs torch's kernel
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * max(1.0, np.abs(want).max() / 4))


@pytest.mark.filterwarnings("ignore:set_global_policy")
def test_embedding_float_ids_are_not_rounded_to_half_precision():
    mixed_precision.set_global_policy("mixed_float16")
    table = np.stack([np.arange(2050) % 11, np.arange(2050) % 13], axis=1).astype("float32")
    layer = layers.Embedding(2050, 2)
    layer.build((None, 1))
    layer.set_weights([table])
    with mixed_precision.autocast_scope():
        y = layer(torch.tensor([[2049.0]]))
    assert y.dtype == torch.float16
    assert np.asarray(y).tolist() == [[[2049 % 11, 2049 % 13]]]  # 2048 would be [2, 7]


def test_autocast_true_dense_output_dtype_under_mixed_float16():
    # (Keras' BatchNormalization also hands out float16 here; tkeras' gives float32, left as it is.)
    mixed_precision.set_global_policy("mixed_float16")
    assert _name(layers.Dense(2)(torch.ones(2, 3)).dtype) == REF["autocast_true_output_dtypes"]["Dense"]
