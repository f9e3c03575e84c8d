"""BatchNormalization(renorm=True) against tf-keras 2.21 (tests/fixtures/make_bn_renorm_reference.py:
bn_renorm_reference.json and tfk2_bn_renorm.h5), and the default path against a NumPy BatchNorm."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers, saving
from tests.layer_testing import assert_frozen_call_keeps_weights, assert_recorded_steps

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
REFERENCE = json.load(open(os.path.join(FIXTURES, "bn_renorm_reference.json")))
CASES = sorted(REFERENCE["cases"])
TOL = dict(rtol=1e-5, atol=1e-5)
RENORM_WEIGHTS = ["moving_stddev", "renorm_mean", "renorm_stddev"]


def _numpy(tensor):
    return tensor.detach().cpu().numpy()


def _f32(values):
    return np.array(values, "float32")


def _layer(case):
    layer = layers.BatchNormalization(renorm=True, **case["kwargs"])
    layer.build((None,) + tuple(np.shape(case["steps"][0]["x"])[1:]))
    layer.set_weights([_f32(w) for w in case["start"]])
    return layer


@pytest.mark.parametrize("name", CASES)
def test_training_steps_match_tf_keras(name):
    case = REFERENCE["cases"][name]
    assert_recorded_steps(_layer(case), case["steps"], **TOL)


@pytest.mark.parametrize("name", CASES)
def test_inference_and_frozen_layer_use_moving_statistics(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    layer.set_weights([_f32(w) for w in case["steps"][-1]["weights"]])
    x = _f32(case["x_test"])
    np.testing.assert_allclose(_numpy(layer(x, training=False)), _f32(case["inference"]), **TOL)
    np.testing.assert_allclose(_numpy(layer(x)), _f32(case["inference"]), **TOL)
    assert_frozen_call_keeps_weights(layer, x, case["frozen"], **TOL)  # nothing moves when frozen


@pytest.mark.parametrize("name", CASES)
def test_gradients_treat_r_and_d_as_constants(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    x = torch.tensor(_f32(case["steps"][0]["x"]), requires_grad=True)
    loss = (layer(x, training=True) * torch.tensor(_f32(case["coeff"]))).sum()
    grads = torch.autograd.grad(loss, [x] + [w for w in layer.trainable_weights])
    assert len(grads) == len(case["grads"])
    for got, want in zip(grads, case["grads"]):
        np.testing.assert_allclose(_numpy(got), _f32(want), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", CASES)
def test_weights_names_shapes_and_order(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    assert [w.name for w in layer.weights] == [n.split(":")[0] for n in case["weight_names"]]
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]
    assert [w.name for w in layer.non_trainable_weights][-3:] == RENORM_WEIGHTS


def test_default_initial_values_of_the_renorm_weights():
    layer = layers.BatchNormalization(renorm=True, moving_variance_initializer=keras.initializers.Constant(4.0),
                                      moving_mean_initializer=keras.initializers.Constant(0.5))
    layer.build((None, 2))
    values = dict(zip([w.name for w in layer.weights], layer.get_weights()))
    np.testing.assert_allclose(values["moving_stddev"], [2.0, 2.0])
    np.testing.assert_allclose(values["renorm_stddev"], [2.0, 2.0])
    np.testing.assert_allclose(values["renorm_mean"], [0.5, 0.5])


@pytest.mark.parametrize("name", CASES)
def test_config_matches_tf_keras_and_round_trips(name):
    case = REFERENCE["cases"][name]
    layer = _layer(case)
    config = layer.get_config()
    for key in ("renorm", "renorm_clipping", "renorm_momentum", "momentum", "epsilon", "center", "scale"):
        assert config[key] == case["config"][key], key
    again = layers.BatchNormalization.from_config(case["config"])  # a tf-keras 2 config
    assert (again.renorm, again.renorm_clipping, again.renorm_momentum) == (
        True, case["config"]["renorm_clipping"], case["config"]["renorm_momentum"])
    clone = layers.BatchNormalization.from_config(config)
    assert clone.get_config() == config


def test_default_layer_config_and_weights_unchanged():
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    config = layer.get_config()  # Keras 3.15 writes the renorm entries with their defaults
    assert (config["renorm"], config["renorm_clipping"], config["renorm_momentum"]) == (False, None, 0.99)
    plain = {k: v for k, v in REFERENCE["plain_config"].items() if k != "name"}  # tf-keras 2: no renorm keys
    assert not layers.BatchNormalization.from_config(plain).renorm


def test_default_path_matches_numpy_batchnorm():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((7, 2, 4)).astype("float32") * 3 + 1
    layer = layers.BatchNormalization(momentum=0.8)
    layer.build((None, 2, 4))
    gamma, beta = rng.uniform(0.5, 2, 4).astype("float32"), rng.standard_normal(4).astype("float32")
    mm, mv = rng.standard_normal(4).astype("float32"), rng.uniform(0.5, 2, 4).astype("float32")
    layer.set_weights([gamma, beta, mm, mv])
    mean, var = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(_numpy(layer(x, training=True)), expected, **TOL)
    np.testing.assert_allclose(layer.get_weights()[2], 0.8 * mm + 0.2 * mean, **TOL)
    np.testing.assert_allclose(layer.get_weights()[3], 0.8 * mv + 0.2 * var, **TOL)
    new_mm, new_mv = layer.get_weights()[2:]
    np.testing.assert_allclose(_numpy(layer(x, training=False)),
                               (x - new_mm) / np.sqrt(new_mv + 1e-3) * gamma + beta, **TOL)


def test_channels_first_and_masked_inputs_follow_the_same_formula():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 3, 5)).astype("float32")
    layer = layers.BatchNormalization(axis=1, renorm=True, renorm_clipping={"rmax": 1.2, "dmax": 0.1})
    y = _numpy(layer(x, training=True))
    mean, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))
    std = np.sqrt(var + 1e-3)
    r, d = np.minimum(std, 1.2), np.clip(mean, -0.1, 0.1)  # renorm statistics start at 0 and 1
    expected = ((x - mean[:, None]) / std[:, None]) * r[:, None] + d[:, None]
    np.testing.assert_allclose(y, expected, **TOL)
    mask = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 1, 1]], bool)
    masked = layers.BatchNormalization(renorm=True)
    seq = rng.standard_normal((4, 3, 2)).astype("float32")
    y = _numpy(masked(seq, training=True, mask=torch.tensor(mask)))
    rows = seq[mask]
    mean, std = rows.mean(axis=0), np.sqrt(rows.var(axis=0) + 1e-3)
    np.testing.assert_allclose(y[mask], (rows - mean) / std * std + mean, **TOL)  # r = std, d = mean
    np.testing.assert_allclose(masked.renorm_mean.detach().cpu().numpy(), 0.01 * mean, **TOL)


def test_tf_keras_h5_with_renorm_loads_and_predicts_the_same(tmp_path):
    ref = REFERENCE["h5"]
    model = saving.load_model(os.path.join(FIXTURES, "tfk2_bn_renorm.h5"), compile=False)
    bn = model.get_layer("bn")
    assert bn.renorm and bn.renorm_clipping == {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0} and bn.renorm_momentum == 0.5
    for got, want in zip(bn.get_weights(), ref["bn_weights"]):
        np.testing.assert_allclose(got, _f32(want), **TOL)
    x = _f32(ref["x"])
    np.testing.assert_allclose(model.predict(x, verbose=0), _f32(ref["y"]), **TOL)
    model.save(tmp_path / "again.h5")
    model.save(tmp_path / "again.keras")
    np.testing.assert_allclose(_numpy(model(x, training=True)), _f32(ref["y_training"]), **TOL)
    # The weights alone into a model built by tkeras, and back through tkeras' own .h5.
    rebuilt = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="dense"),
                                layers.BatchNormalization(renorm=True, name="bn"), layers.Dense(2, name="head")])
    rebuilt.load_weights(os.path.join(FIXTURES, "tfk2_bn_renorm.h5"))
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), _f32(ref["y"]), **TOL)
    again = saving.load_model(tmp_path / "again.h5", compile=False)
    np.testing.assert_allclose(again.predict(x, verbose=0), _f32(ref["y"]), **TOL)
    again = saving.load_model(tmp_path / "again.keras", compile=False)
    np.testing.assert_allclose(again.predict(x, verbose=0), _f32(ref["y"]), **TOL)


@pytest.mark.parametrize("kwargs, words", [
    (dict(renorm_clipping={"rmax": 2.0, "scale": 1.0}), "unknown key"),
    (dict(renorm_clipping={"rmax": 0.5, "rmin": 2.0}), "rmax must not be less than rmin"),
    (dict(renorm_clipping={"dmax": -1.0}), "dmax must be non-negative"),
    (dict(renorm_clipping={"rmax": "big"}), "must be a number"),
    (dict(fused=True), "fused=True"),
])
def test_bad_renorm_arguments_raise_value_error_naming_the_layer(kwargs, words):
    with pytest.raises(ValueError, match=words) as info:
        layers.BatchNormalization(renorm=True, name="bn_bad", **kwargs)
    assert "bn_bad" in str(info.value)
    assert REFERENCE["errors"]["unknown_key"][0] == REFERENCE["errors"]["fused"][0] == "ValueError"


def test_clipping_is_unchecked_without_renorm():
    layer = layers.BatchNormalization(renorm_clipping={"rmax": 0.5, "rmin": 2.0})  # Keras ignores it too
    assert layer.get_config()["renorm_clipping"] == {"rmax": 0.5, "rmin": 2.0}


def test_sync_batch_normalization_writes_renorm_entries_only_with_renorm():
    from tkeras.layers.normalization.sync_batch_normalization import SyncBatchNormalization
    assert "renorm" not in SyncBatchNormalization().get_config()
    config = SyncBatchNormalization(renorm=True, renorm_clipping={"dmax": 2.0}).get_config()
    assert (config["renorm"], config["renorm_clipping"], config["renorm_momentum"]) == (True, {"dmax": 2.0}, 0.99)
    assert "synchronized" not in config
