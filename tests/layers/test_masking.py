import numpy as np

import tkeras as keras
from tests.layer_testing import run_layer_test

L = keras.layers


def _padded():
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    x[0, 3:] = -1.0  # right padding
    x[1, :2] = -1.0  # left padding
    return x


def test_mask_and_zeroed_steps():
    x = _padded()
    _, out = run_layer_test(L.Masking, {"mask_value": -1.0}, input_data=x, expected_output_shape=(2, 5, 3),
                            supports_masking=True)
    expected_mask = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1]], bool)
    np.testing.assert_array_equal(out._keras_mask.numpy(), expected_mask)
    np.testing.assert_array_equal(out.numpy(), x * expected_mask[..., None])


def test_a_step_is_masked_only_when_every_feature_matches():
    x = np.array([[[0.0, 0.0], [0.0, 1.0]]], "float32")
    np.testing.assert_array_equal(L.Masking()(x)._keras_mask.numpy(), [[False, True]])


def test_rnn_after_masking_ignores_padding():
    x = _padded()
    model = keras.Sequential([L.Masking(mask_value=-1.0), L.LSTM(4)])
    out = model(x).detach().numpy()
    lstm = model.layers[1]
    np.testing.assert_allclose(out[0], lstm(x[:1, :3]).detach().numpy()[0], atol=1e-5)
    np.testing.assert_allclose(out[1], lstm(x[1:, 2:]).detach().numpy()[0], atol=1e-5)


def test_config():
    assert L.Masking.from_config(L.Masking(mask_value=2.5).get_config()).mask_value == 2.5
