"""Pooling layers against NumPy window loops (padding as NaN, so it is never the max nor averaged in)."""
import numpy as np
import pytest
import torch

from tests.layer_testing import run_layer_test
from tkeras import layers


def _pads(length, pool, stride, padding):
    if padding == "valid":
        return 0, 0
    out = -(-length // stride)
    total = max((out - 1) * stride + pool - length, 0)
    return total // 2, total - total // 2


def np_pool(x, pool, strides, padding, reduce):
    """x: (batch, spatial..., channels); TF windows; `reduce` is np.nanmax or np.nanmean."""
    spatial = x.shape[1:-1]
    pads = [_pads(n, p, s, padding) for n, p, s in zip(spatial, pool, strides)]
    xp = np.pad(x.astype(np.float64), [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    outs = [(n - p) // s + 1 for n, p, s in zip(xp.shape[1:-1], pool, strides)]
    y = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for index in np.ndindex(*outs):
        window = tuple(slice(i * s, i * s + p) for i, s, p in zip(index, strides, pool))
        block = xp[(slice(None),) + window]
        y[(slice(None),) + index] = reduce(block.reshape(x.shape[0], -1, x.shape[-1]), axis=1)
    return y


@pytest.mark.parametrize("cls,reduce", [(layers.MaxPooling1D, np.nanmax), (layers.AveragePooling1D, np.nanmean)])
@pytest.mark.parametrize("pool,stride,padding", [(2, None, "valid"), (3, 2, "valid"), (2, None, "same"),
                                                  (3, 2, "same"), (4, 3, "same"), (4, 1, "same"), (3, 1, "same")])
def test_pooling1d_matches_numpy(cls, reduce, pool, stride, padding):
    x = np.random.default_rng(0).standard_normal((2, 9, 3)).astype("float32")
    layer = cls(pool, strides=stride, padding=padding)
    expected = np_pool(x, (pool,), (stride or pool,), padding, reduce)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 9, 3)) == (None,) + expected.shape[1:]


@pytest.mark.parametrize("cls,reduce", [(layers.MaxPooling2D, np.nanmax), (layers.AveragePooling2D, np.nanmean)])
@pytest.mark.parametrize("pool,strides,padding", [((2, 2), None, "valid"), ((3, 2), (2, 1), "same"),
                                                   ((2, 2), (2, 2), "same"), ((3, 3), (1, 1), "same")])
def test_pooling2d_matches_numpy(cls, reduce, pool, strides, padding):
    x = np.random.default_rng(1).standard_normal((2, 7, 6, 2)).astype("float32")
    layer = cls(pool, strides=strides, padding=padding)
    expected = np_pool(x, pool, strides or pool, padding, reduce)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-5, atol=1e-6)
    # channels_first gives the same numbers in the other layout
    first = cls(pool, strides=strides, padding=padding, data_format="channels_first")
    np.testing.assert_allclose(first(x.transpose(0, 3, 1, 2)).detach().cpu().numpy(), expected.transpose(0, 3, 1, 2),
                               rtol=1e-5, atol=1e-6)


def test_same_average_excludes_padding_hand_computed():
    # length 5, pool 2, stride 2, 'same': windows [0,1], [2,3], [4, pad] -> the last is x[4] alone
    x = np.array([[[1.0], [3.0], [5.0], [7.0], [10.0]]], dtype="float32")
    out = layers.AveragePooling1D(2, padding="same")(x).detach().cpu().numpy()
    np.testing.assert_allclose(out[0, :, 0], [2.0, 6.0, 10.0])
    # pool 2 stride 1 'same' on length 3: TF pads one step at the END: [0,1], [1,2], [2, pad]
    x = np.array([[[1.0], [2.0], [4.0]]], dtype="float32")
    np.testing.assert_allclose(layers.MaxPooling1D(2, 1, "same")(-x).detach().cpu().numpy()[0, :, 0], [-1.0, -2.0, -4.0])


def test_global_pooling_and_keepdims():
    x = np.random.default_rng(2).standard_normal((2, 4, 5, 3)).astype("float32")
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).detach().cpu().numpy(), x.mean(axis=(1, 2)), rtol=1e-5)
    np.testing.assert_allclose(layers.GlobalMaxPooling2D(keepdims=True)(x).detach().cpu().numpy(),
                               x.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(layers.GlobalMaxPooling1D(data_format="channels_first")(x[:, 0]).detach().cpu().numpy(),
                               x[:, 0].max(axis=2))
    run_layer_test(layers.GlobalAveragePooling1D, {"keepdims": True}, input_shape=(2, 5, 3),
                   expected_output_shape=(2, 1, 3), supports_masking=True)
    run_layer_test(layers.GlobalMaxPooling2D, {}, input_shape=(2, 3, 4, 5), expected_output_shape=(2, 5))
    assert layers.GlobalAveragePooling2D().compute_output_shape((None, None, None, 8)) == (None, 8)


def test_global_average_pooling1d_honours_mask():
    x = np.random.default_rng(3).standard_normal((2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    out = layers.GlobalAveragePooling1D()(x, mask=torch.as_tensor(mask)).detach().cpu().numpy()
    np.testing.assert_allclose(out[0], x[0, :3].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(out[1], x[1].mean(axis=0), rtol=1e-5)
    # the mask an Embedding(mask_zero=True) puts on its output is picked up by itself
    tensor = torch.as_tensor(x)
    tensor._keras_mask = torch.as_tensor(mask)
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(tensor).detach().cpu().numpy(), out, rtol=1e-6)


def test_pooling_harness_and_aliases():
    run_layer_test(layers.MaxPooling1D, {"pool_size": 3, "padding": "same"}, input_shape=(2, 7, 3),
                   expected_output_shape=(2, 3, 3))
    run_layer_test(layers.AveragePooling2D, {"pool_size": 2, "strides": 1}, input_shape=(2, 4, 4, 3),
                   expected_output_shape=(2, 3, 3, 3))
    run_layer_test(layers.MaxPooling3D, {}, input_shape=(1, 4, 4, 4, 2), expected_output_shape=(1, 2, 2, 2, 2))
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D


def test_keras1_pooling_arguments():
    layer = layers.MaxPooling1D(pool_length=3, stride=2, border_mode="same")
    assert (layer.pool_size, layer.strides, layer.padding) == ((3,), (2,), "same")
    assert layers.MaxPooling1D(pool_length=4).strides == (4,)
    layer = layers.MaxPooling2D(pool_size=(2, 2), border_mode="valid", dim_ordering="th")
    assert layer.data_format == "channels_first"


def test_pooling_errors():
    with pytest.raises(ValueError, match=r"MaxPooling2D.*padding.*'smae'.*'same'"):
        layers.MaxPooling2D(padding="smae")
    with pytest.raises(ValueError, match=r"MaxPooling1D layer 'pool'.*pool_size \(5,\).*\(3,\)"):
        layers.MaxPooling1D(5, name="pool")(np.zeros((1, 3, 2), "float32"))
    with pytest.raises(ValueError, match="pool_size"):
        layers.AveragePooling2D(pool_size=(2, 0))
