"""VGG, ResNet(V2) and MobileNet(V2/V3) against real Keras: same weights in the same order, same outputs.

`tests/fixtures/applications/reference_g.*` was written by real Keras 3.15.1 on JAX with
`make_reference_g.py`: each case built with weights=None at a small input size, every weight filled
from `weight_fill_g.fill_values` in `model.weights` order, and run on `weight_fill_g.images` after the
family's `preprocess_input`. tkeras builds the same case and must list the same weight paths and
shapes in the same order and the same layers holding them (what loading Keras' published `.h5` files
by layer name relies on), carry Keras' default model name, and, filled the same way, give the same
output within 1e-4 (relative to the output's scale: ResNet features reach a few hundred).
"""
import json
import os
import sys

import numpy as np
import pytest

import tkeras
from tkeras import applications

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "applications")
sys.path.insert(0, FIXTURES)
from make_reference_g import CASES, fill_settings  # noqa: E402
from weight_fill_g import fill_values, images  # noqa: E402

with open(os.path.join(FIXTURES, "reference_g.json")) as _stream:
    REFERENCE = json.load(_stream)["cases"]
OUTPUTS = np.load(os.path.join(FIXTURES, "reference_g.npz"))


def _build(case):
    module_name, constructor, kwargs, size = CASES[case]
    tkeras.backend.clear_session()
    module = getattr(applications, module_name)
    return module, getattr(module, constructor, None) or getattr(applications, constructor), kwargs, size


@pytest.mark.parametrize("case", sorted(CASES))
def test_weights_names_and_order_match_keras(case):
    _, constructor, kwargs, _ = _build(case)
    model = constructor(**kwargs)
    expected = REFERENCE[case]
    assert [[w.path, list(w.shape)] for w in model.weights] == expected["weights"]
    assert [layer.name for layer in model.layers if layer.weights] == expected["layers_with_weights"]
    assert model.name == expected["model_name"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_outputs_match_keras_for_the_same_weights(case):
    module, constructor, kwargs, size = _build(case)
    model = constructor(**kwargs)
    model.set_weights(fill_values([(w.path, tuple(w.shape)) for w in model.weights], **fill_settings(case)))
    got = model.predict(module.preprocess_input(images(size).copy()), verbose=0)
    expected = OUTPUTS[case]
    spread = np.abs(expected[0] - expected[1]).max() / np.abs(expected).max()
    assert spread > 1e-2, "the reference's two images give nearly the same output: the check would be blind"
    assert got.shape == expected.shape
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * scale)
