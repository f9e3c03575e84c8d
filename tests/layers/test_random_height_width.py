"""RandomHeight/RandomWidth (tf-keras 2): outputs against tf-keras 2.21 where the factor range is one
value (tests/fixtures/make_random_height_width_reference.py), one draw per batch within the range,
pass-through in inference, tf-keras' config and argument errors."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

L = keras.layers
CASES = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                    "random_height_width_reference.json")))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_tf_keras_for_a_known_factor(case):
    layer = getattr(L, case["layer"])(**case["kwargs"])
    out = np.asarray(layer(np.array(case["x"], dtype="float32"), training=True))
    expected = np.array(case["output"])
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-3, rtol=1e-5)  # pixel values up to 255


def test_sizes_drawn_once_per_batch_within_the_range_and_seeded():
    x = np.random.default_rng(0).uniform(size=(3, 20, 10, 2)).astype("float32")
    heights = {np.asarray(L.RandomHeight((-0.5, 0.5), seed=s)(x, training=True)).shape[1] for s in range(12)}
    assert len(heights) > 3 and all(10 <= h <= 30 for h in heights)
    widths = [np.asarray(L.RandomWidth(0.4, seed=3)(x, training=True)).shape for _ in range(2)]
    assert widths[0] == widths[1] and widths[0][:2] == (3, 20) and 6 <= widths[0][2] <= 14


def test_inference_passes_images_through_and_shape_leaves_the_axis_open():
    x = np.random.default_rng(1).uniform(size=(2, 8, 6, 3)).astype("float32")
    model = keras.Sequential([keras.Input((8, 6, 3)), L.RandomWidth(0.5)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert L.RandomHeight(0.2).compute_output_shape((None, 8, 6, 3)) == (None, None, 6, 3)
    assert L.RandomWidth(0.2).compute_output_shape((8, 6, 3)) == (8, None, 3)


def test_config_as_tf_keras_writes_it():
    config = L.RandomHeight((-0.2, 0.3), interpolation="nearest", seed=4, name="rh").get_config()
    assert config == {"name": "rh", "trainable": True, "dtype": "float32", "factor": [-0.2, 0.3],
                      "interpolation": "nearest", "seed": 4}
    assert L.RandomHeight.from_config(config).get_config() == config


@pytest.mark.parametrize("factor, message", [
    ((0.3, 0.1), "upper bound must not be below its lower bound"),
    ((-1.5, 0.2), "must stay at or above -1"),
    ("big", "must be a number or a \\(lower, upper\\) pair"),
])
def test_bad_factor_is_named(factor, message):
    with pytest.raises(ValueError, match=f"RandomWidth: `factor`.*{message}"):
        L.RandomWidth(factor)


def test_bad_interpolation_is_named():
    with pytest.raises(ValueError, match="RandomHeight: `interpolation` must be one of"):
        L.RandomHeight(0.1, interpolation="lanczos9")
