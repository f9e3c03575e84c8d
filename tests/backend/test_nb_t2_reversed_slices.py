"""Negative slice steps as NumPy and TensorFlow index (tensorflow.org's actor-critic tutorial reverses
its rewards with `rewards[::-1]`; image code swaps RGB/BGR with `x[..., ::-1]`), checked against NumPy."""
import numpy as np
import pytest
import torch

from tkeras.backend.reversed_slices import getitem, has_negative_step

ARRAY = np.arange(2 * 5 * 4, dtype="float32").reshape(2, 5, 4)


@pytest.mark.parametrize("key", [
    slice(None, None, -1),
    (Ellipsis, slice(None, None, -1)),
    (slice(None), slice(3, 0, -2)),
    (0, slice(None, None, -1), slice(1, 3)),
    (None, slice(None, None, -1), Ellipsis, slice(None, None, -3)),
    (slice(None), slice(-1, -6, -1), 2),
    (slice(None), slice(0, 3, -1)),
    (1, slice(None, None, -2), None),
])
def test_negative_steps_match_numpy(key):
    assert has_negative_step(key)
    result = getitem(torch.from_numpy(ARRAY), key)
    np.testing.assert_array_equal(result.numpy(), ARRAY[key])


def test_ordinary_keys_are_not_rewritten():
    assert not has_negative_step(slice(1, None, 2))
    assert not has_negative_step((Ellipsis, 0))
    assert not has_negative_step(3)


def test_advanced_index_with_negative_step_is_refused_clearly():
    with pytest.raises(IndexError, match="tf.reverse"):
        getitem(torch.from_numpy(ARRAY), ([0, 1], slice(None, None, -1)))


def test_user_level_tensors_and_variables_take_negative_steps():
    import tkeras.compat.tf_namespace as tf
    np.testing.assert_array_equal(np.asarray(tf.constant(ARRAY)[..., ::-1]), ARRAY[..., ::-1])
    np.testing.assert_array_equal(np.asarray(tf.Variable(ARRAY)[:, ::-2]), ARRAY[:, ::-2])


def test_functional_models_slice_with_negative_steps_and_compare_with_ne():
    """`x[..., ::-1]` (an RGB/BGR swap) and `source != 0` (a padding mask, DLwP 3rd edition's Transformer)
    on symbolic inputs become ops of the model, as in Keras."""
    import tkeras as keras
    x = keras.Input((2, 4))
    reversed_x = x[:, ::-1, ::-2]
    model = keras.Model(x, [reversed_x, x != 0])
    assert tuple(reversed_x.shape) == (None, 2, 2)
    data = ARRAY[:, :2] * (ARRAY[:, :2] % 3 != 0)
    flipped, mask = model.predict(data, verbose=0)
    np.testing.assert_array_equal(flipped, data[:, ::-1, ::-2])
    np.testing.assert_array_equal(mask, data != 0)
