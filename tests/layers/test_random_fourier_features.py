"""tf-keras 2's layers.experimental.RandomFourierFeatures against tf-keras 2.21's own figures
(tests/fixtures/kernelized_reference.json, written by tests/fixtures/check_kernelized_in_real_keras.py
from the same weights and data), then what the reference cannot show: the kernel it approximates."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.check_kernelized_in_real_keras import build, record, short_name

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "kernelized_reference.json")) as handle:
    REFERENCE = json.load(handle)


@pytest.fixture(scope="module")
def ours():
    return record(keras)


def test_outputs_for_fixed_weights_match_tf_keras(ours):
    np.testing.assert_allclose(ours["outputs"], REFERENCE["outputs"], rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("key", ["weight_names", "trainable_names", "frozen_trainable_count", "frozen_weight_names",
                                 "default_scale_gaussian_8", "default_scale_laplacian", "config", "errors"])
def test_weights_defaults_config_and_errors_match_tf_keras(ours, key):
    assert ours[key] == pytest.approx(REFERENCE[key]) if isinstance(REFERENCE[key], float) else \
        ours[key] == REFERENCE[key]


def test_one_sgd_step_moves_only_the_scale_and_the_head_as_in_tf_keras(ours):
    for layer, values in REFERENCE["after_one_step"].items():
        for name, expected in values.items():
            np.testing.assert_allclose(ours["after_one_step"][layer][name], expected, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{layer}/{name}")
    assert REFERENCE["after_one_step"]["rff"]["kernel_scale"] != [1.7]  # the step did move it


def test_inner_products_approximate_the_gaussian_kernel():
    """With many features, 2/D * <phi(x), phi(y)> ~ exp(-|x - y|^2 / (2 scale^2)) (Rahimi & Recht)."""
    keras.utils.set_random_seed(3)
    layer = keras.layers.experimental.RandomFourierFeatures(20000, scale=1.5)
    points = np.random.default_rng(4).normal(size=(6, 3)).astype("float32")
    features = keras.ops.convert_to_numpy(layer(points)).astype("float64")
    approx = 2.0 / 20000 * features @ features.T
    distances = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    np.testing.assert_allclose(approx, np.exp(-distances / (2 * 1.5 ** 2)), atol=0.03)


def test_a_model_with_the_layer_saves_and_loads(tmp_path):
    model, x, _ = build(keras)
    path = str(tmp_path / "rff.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    scale = loaded.get_layer("rff").kernel_scale
    assert [short_name(w) for w in loaded.get_layer("rff").trainable_weights] == ["kernel_scale"]
    assert isinstance(scale.constraint, keras.constraints.NonNeg)  # as tf-keras' constraint="NonNeg"
