import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test


def test_repeats_the_vector_n_times():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    _, out = run_layer_test(keras.layers.RepeatVector, {"n": 4}, input_data=x, expected_output_shape=(2, 4, 3))
    np.testing.assert_array_equal(out.numpy(), np.repeat(x[:, None], 4, axis=1))
    assert keras.layers.RepeatVector(4).compute_output_shape((None, 3)) == (None, 4, 3)


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n must be a positive integer"):
        keras.layers.RepeatVector(0)
    with pytest.raises(ValueError, match="ndim=2"):
        keras.layers.RepeatVector(2)(np.zeros((1, 2, 3), "float32"))
