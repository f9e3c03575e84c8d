"""ThresholdedReLU (tf-keras 2): x where x > theta, else 0; theta validated; tf-keras' config."""
import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test


def test_zeroes_everything_up_to_and_including_theta():
    x = np.array([[-2.0, 0.0, 0.5, 1.0, 1.0001, 3.0]], dtype="float32")
    out = np.asarray(keras.layers.ThresholdedReLU(theta=1.0)(x))
    np.testing.assert_array_equal(out, np.where(x > 1.0, x, 0.0))
    assert out[0, 3] == 0.0  # ReLU(threshold=1.0) would keep x == theta


def test_harness_and_integer_inputs():
    run_layer_test(keras.layers.ThresholdedReLU, {"theta": 0.3}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0)
    out = keras.layers.ThresholdedReLU(theta=1.5)(np.array([[1, 2, 3]], dtype="int64"))
    np.testing.assert_array_equal(np.asarray(out), [[0.0, 2.0, 3.0]])


def test_config_as_tf_keras_writes_it():
    config = keras.layers.ThresholdedReLU(theta=0.5, name="t").get_config()
    assert config == {"name": "t", "trainable": True, "dtype": "float32", "theta": 0.5}


@pytest.mark.parametrize("theta", [-1.0, None, "1", float("nan")])
def test_bad_theta_is_named(theta):
    with pytest.raises(ValueError, match=r"ThresholdedReLU: theta must be a number >= 0"):
        keras.layers.ThresholdedReLU(theta=theta)
