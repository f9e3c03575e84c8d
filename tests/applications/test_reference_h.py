"""Part H's application families against real Keras: same layers, same weights, same outputs.

The data (`tests/fixtures/applications/<family>_h.json`) was written by real Keras 3.15.1 (tf-keras
2.21 for RegNet/ResNetRS) with `make_reference_h*.py`: each constructor built with weights=None at a
small input size, filled with `weight_fill_h.seeded_values`, and run on `weight_fill_h.fixed_images`.
tkeras builds the same constructor, must list the same layer names and weight paths/shapes in the
same order (what loading Keras' published files relies on), and, filled the same way, give the same
output within 1e-4.
"""
import importlib
import json
import os
import re
import sys

import numpy as np
import pytest
import torch

import tkeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "applications")
sys.path.insert(0, FIXTURES)
from weight_fill_h import fixed_images, seeded_values  # noqa: E402

FAMILIES = ["densenet", "inception_v3", "xception", "inception_resnet_v2", "convnext", "efficientnet",
            "efficientnet_v2", "nasnet", "regnet", "resnet_rs"]


@pytest.fixture(autouse=True)
def _skip_truncated_normal_draws(monkeypatch):
    """Initial values are overwritten or never used in these tests; torch's truncated-normal sampling
    of tens of millions of values (ResNetRS, EfficientNet) would otherwise dominate their run time."""
    monkeypatch.setattr(torch.nn.init, "trunc_normal_", lambda tensor, *args, **kwargs: tensor.zero_())


def _cases():
    for family in FAMILIES:
        path = os.path.join(FIXTURES, f"{family}_h.json")
        if not os.path.exists(path):
            continue
        with open(path) as handle:
            for index, case in enumerate(json.load(handle)["cases"]):
                top = "top" if case["kwargs"].get("include_top", True) else "notop"
                yield pytest.param(family, case, id=f"{case['constructor']}-{top}-{index}")


def _build(family, case):
    tkeras.backend.clear_session()
    module = importlib.import_module(f"tkeras.applications.{family}")
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    return getattr(module, case["constructor"])(weights=None, **kwargs)


def _weight_key(path):
    """`layer/weight`, the part of a weight's path that weight files and loading depend on.

    Keras 3 also prefixes the weights of a nested model's layers with that model's name
    (`convnext_tiny_stem/convnext_tiny_stem_conv/kernel`), and numbers unnamed weights by a
    process-wide counter (`variable_17`); neither reaches a file (Keras 2 `.h5` files match weights
    within a layer by order, `.keras` files by position), so both are left out of the comparison.
    """
    layer, weight = path.split("/")[-2:]
    return f"{layer}/{re.sub(r'^variable(_[0-9]+)?$', 'variable', weight)}"


def _is_operator(layer):
    """An op node (`x + y` on symbolic tensors): a layer in tkeras, a bare operation in Keras 3."""
    from tkeras.models.functional_ops import OperatorLayer
    return isinstance(layer, OperatorLayer)


@pytest.mark.parametrize("family,case", list(_cases()))
def test_matches_keras(family, case):
    model = _build(family, case)
    assert model.name == case["model_name"]
    if "layers" in case:
        assert [layer.name for layer in model.layers if not _is_operator(layer)] == case["layers"]
    else:  # tf-keras lists its TensorFlow-op layers too; weight files match the layers holding weights
        assert [layer.name for layer in model.layers if layer.weights] == case["weight_layers"]
    entries = [(_weight_key(w.path), list(w.shape)) for w in model.weights]
    assert entries == [(_weight_key(path), shape) for path, shape in case["weights"]]
    assert len(model.trainable_weights) == case["trainable_count"]
    if "output" not in case:
        return
    values = seeded_values(case["weights"], gain=case.get("fill_gain", 1.0))
    for variable, value in zip(model.weights, values):
        variable.assign(value)
    images = fixed_images(case["kwargs"]["input_shape"])
    output = np.asarray(model.predict(images, verbose=0))
    expected = np.asarray(case["output"])
    scale = max(1.0, float(np.abs(expected).max()))
    # the two images must give clearly different outputs, or the comparison would check only the biases
    assert np.abs(expected[0] - expected[1]).max() > 5e-4 * scale
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-4 * scale)
