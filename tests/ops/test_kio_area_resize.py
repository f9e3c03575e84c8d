"""`ops.image.resize(..., interpolation="area")` against Keras 3 on TensorFlow (recorded by
tests/fixtures/make_kio_area_resize_reference.py): each output pixel averages the input cells it covers,
weighted by the covered fraction, for shrinking, growing and non-dividing sizes alike; the Resizing
layer uses the same resampling.
"""
import json
import os

import numpy as np
import pytest

from tkeras import layers, ops

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_area_resize_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)


@pytest.mark.parametrize("key", sorted(REFERENCE["cases"]))
def test_area_resize_matches_tensorflow(key):
    images = np.asarray(REFERENCE["images"], dtype="float32")
    size = tuple(int(v) for v in key.split("x"))
    result = np.asarray(ops.image.resize(images, size, interpolation="area"))
    np.testing.assert_allclose(result, np.asarray(REFERENCE["cases"][key]), rtol=1e-5, atol=1e-5)


def test_area_resize_of_integer_images_and_the_resizing_layer():
    images = np.asarray(REFERENCE["integer_images"], dtype="uint8")
    result = ops.image.resize(images, (4, 3), interpolation="area")
    assert str(result.dtype).endswith(REFERENCE["integer_dtype"])
    np.testing.assert_array_equal(np.asarray(result), np.asarray(REFERENCE["integer_result"]))
    floats = np.asarray(REFERENCE["images"], dtype="float32")
    layer_result = layers.Resizing(3, 4, interpolation="area")(floats)
    np.testing.assert_allclose(np.asarray(layer_result), np.asarray(REFERENCE["cases"]["3x4"]), rtol=1e-5, atol=1e-5)
