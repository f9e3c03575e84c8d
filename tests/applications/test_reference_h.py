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
import sys

import numpy as np
import pytest

import tkeras

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "applications")
sys.path.insert(0, FIXTURES)
from weight_fill_h import fixed_images, seeded_values  # noqa: E402

FAMILIES = ["densenet", "inception_v3", "xception", "inception_resnet_v2", "convnext", "efficientnet",
            "efficientnet_v2", "nasnet", "regnet", "resnet_rs"]


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


@pytest.mark.parametrize("family,case", list(_cases()))
def test_matches_keras(family, case):
    model = _build(family, case)
    assert model.name == case["model_name"]
    assert [layer.name for layer in model.layers] == case["layers"]
    entries = [(w.path, list(w.shape)) for w in model.weights]
    assert entries == [(path, shape) for path, shape in case["weights"]]
    assert len(model.trainable_weights) == case["trainable_count"]
    if "output" not in case:
        return
    for variable, value in zip(model.weights, seeded_values(case["weights"])):
        variable.assign(value)
    images = fixed_images(case["kwargs"]["input_shape"])
    output = np.asarray(model.predict(images, verbose=0))
    expected = np.asarray(case["output"])
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-4 * scale)
