"""Merge layers (and their lowercase functions) against NumPy."""
import numpy as np
import pytest
import torch

from tests.layer_testing import run_layer_test
from tkeras import layers

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype("float32")
B = RNG.standard_normal((3, 4)).astype("float32")
C = RNG.standard_normal((3, 4)).astype("float32")


@pytest.mark.parametrize("cls,fn,reference", [
    (layers.Add, layers.add, lambda *xs: sum(xs)),
    (layers.Multiply, layers.multiply, lambda *xs: np.prod(xs, axis=0)),
    (layers.Average, layers.average, lambda *xs: np.mean(xs, axis=0)),
    (layers.Maximum, layers.maximum, lambda *xs: np.max(xs, axis=0)),
    (layers.Minimum, layers.minimum, lambda *xs: np.min(xs, axis=0))])
def test_elementwise_merges(cls, fn, reference):
    np.testing.assert_allclose(cls()([A, B, C]).detach().cpu().numpy(), reference(A, B, C), rtol=1e-6)
    np.testing.assert_allclose(fn([A, B]).detach().cpu().numpy(), reference(A, B), rtol=1e-6)
    run_layer_test(cls, {}, input_data=[A, B], expected_output_shape=(3, 4))
    assert cls().compute_output_shape([(None, 4), (None, 4)]) == (None, 4)


def test_subtract_and_broadcasting():
    np.testing.assert_allclose(layers.subtract([A, B]).detach().cpu().numpy(), A - B)
    with pytest.raises(ValueError, match=r"Subtract.*exactly 2"):
        layers.Subtract()([A, B, C])
    column = A[:, :1]
    np.testing.assert_allclose(layers.Add()([A, column]).detach().cpu().numpy(), A + column)
    assert layers.Add().compute_output_shape([(None, 4), (None, 1)]) == (None, 4)
    with pytest.raises(ValueError, match=r"Add layer 'plus'.*incompatible shapes.*\(None, 4\).*\(None, 5\)"):
        layers.Add(name="plus").compute_output_shape([(None, 4), (None, 5)])
    with pytest.raises(ValueError, match=r"list of inputs"):
        layers.Add()(A)


def test_concatenate():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    y = RNG.standard_normal((2, 3, 5)).astype("float32")
    np.testing.assert_array_equal(layers.concatenate([x, y]).detach().cpu().numpy(), np.concatenate([x, y], -1))
    np.testing.assert_array_equal(layers.Concatenate(axis=1)([x, x]).detach().cpu().numpy(), np.concatenate([x, x], 1))
    assert layers.Concatenate().compute_output_shape([(None, 3, 4), (None, 3, 5)]) == (None, 3, 9)
    assert layers.Concatenate(axis=1).compute_output_shape([(None, None, 4), (None, 3, 4)]) == (None, None, 4)
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation axis"):
        layers.Concatenate(axis=1)([x, y])
    assert layers.Concatenate(concat_axis=1).axis == 1  # Keras 1
    run_layer_test(layers.Concatenate, {"axis": -1}, input_data=[x, y], expected_output_shape=(2, 3, 9))


def test_merge_masks():
    x = torch.ones(2, 3, 4)
    y = torch.ones(2, 3, 4)
    x._keras_mask = torch.tensor([[1, 1, 0], [1, 0, 0]], dtype=torch.bool)
    y._keras_mask = torch.tensor([[1, 0, 0], [1, 1, 1]], dtype=torch.bool)
    np.testing.assert_array_equal(layers.Add()([x, y])._keras_mask.cpu().numpy(), [[1, 0, 0], [1, 0, 0]])
    z = torch.ones(2, 3, 4)
    z._keras_mask = None
    np.testing.assert_array_equal(layers.Concatenate()([x, z])._keras_mask.cpu().numpy(), [[1, 1, 1], [1, 1, 1]])
    np.testing.assert_array_equal(layers.Concatenate(axis=1)([x, y])._keras_mask.cpu().numpy(),
                                  [[1, 1, 0, 1, 0, 0], [1, 0, 0, 1, 1, 1]])
    assert getattr(layers.Add()([A, B]), "_keras_mask", None) is None


def test_dot():
    np.testing.assert_allclose(layers.Dot(axes=1)([A, B]).detach().cpu().numpy(), np.sum(A * B, axis=1, keepdims=True),
                               rtol=1e-5)
    cos = layers.dot([A, B], axes=-1, normalize=True).detach().cpu().numpy()
    expected = np.sum(A * B, 1) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))
    np.testing.assert_allclose(cos[:, 0], expected, rtol=1e-5)
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    y = RNG.standard_normal((2, 5, 4)).astype("float32")
    out = layers.Dot(axes=(2, 2))([x, y]).detach().cpu().numpy()
    np.testing.assert_allclose(out, np.einsum("bik,bjk->bij", x, y), rtol=1e-5)
    out = layers.Dot(axes=(1, 1))([x, x]).detach().cpu().numpy()
    np.testing.assert_allclose(out, np.einsum("bki,bkj->bij", x, x), rtol=1e-5)
    assert layers.Dot(axes=(2, 2)).compute_output_shape([(None, 3, 4), (None, 5, 4)]) == (None, 3, 5)
    assert layers.Dot(axes=1).compute_output_shape([(None, 4), (None, 4)]) == (None, 1)
    with pytest.raises(ValueError, match=r"Dot layer 'd'.*incompatibility 3 != 5"):
        layers.Dot(axes=1, name="d")([x, y])
    run_layer_test(layers.Dot, {"axes": 1}, input_data=[A, B], expected_output_shape=(3, 1))


def test_keras1_merge_function():
    np.testing.assert_allclose(layers.merge([A, B], mode="sum").detach().cpu().numpy(), A + B)
    np.testing.assert_allclose(layers.merge([A, B], mode="concat", concat_axis=-1).detach().cpu().numpy(),
                               np.concatenate([A, B], -1))
    np.testing.assert_allclose(layers.merge([A, B], mode="mul").detach().cpu().numpy(), A * B)
    np.testing.assert_allclose(layers.merge([A, B], mode="dot", dot_axes=1).detach().cpu().numpy()[:, 0],
                               np.sum(A * B, 1), rtol=1e-5)
    with pytest.raises(ValueError, match=r"merge mode.*'cat'.*concat"):
        layers.merge([A, B], mode="cat")
