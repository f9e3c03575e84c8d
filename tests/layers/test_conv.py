"""Convolution layers against NumPy loops written from TensorFlow's definitions of the padding."""
import numpy as np
import pytest

from tests.layer_testing import run_layer_test
from tkeras import layers
from tkeras.backend.config import device


def _same_pads(length, k_eff, stride):
    out = -(-length // stride)
    total = max((out - 1) * stride + k_eff - length, 0)
    return total // 2, total - total // 2


def np_conv1d(x, kernel, bias, stride=1, padding="valid", dilation=1):
    k = kernel.shape[0]
    k_eff = (k - 1) * dilation + 1
    pads = {"valid": (0, 0), "causal": (k_eff - 1, 0)}.get(padding) or _same_pads(x.shape[1], k_eff, stride)
    xp = np.pad(x, ((0, 0), pads, (0, 0)))
    out_len = (xp.shape[1] - k_eff) // stride + 1
    y = np.zeros((x.shape[0], out_len, kernel.shape[2]), dtype=np.float64)
    for t in range(out_len):
        for j in range(k):
            y[:, t] += xp[:, t * stride + j * dilation] @ kernel[j]
    return y + (0 if bias is None else bias)


def np_conv2d(x, kernel, bias, strides=(1, 1), padding="valid", dilation=(1, 1)):
    kh, kw = kernel.shape[:2]
    eff = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    if padding == "valid":
        pads = [(0, 0), (0, 0)]
    else:
        pads = [_same_pads(x.shape[1], eff[0], strides[0]), _same_pads(x.shape[2], eff[1], strides[1])]
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - eff[0]) // strides[0] + 1
    ow = (xp.shape[2] - eff[1]) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, kernel.shape[3]))
    for r in range(oh):
        for c in range(ow):
            for i in range(kh):
                for j in range(kw):
                    y[:, r, c] += xp[:, r * strides[0] + i * dilation[0], c * strides[1] + j * dilation[1]] @ kernel[i, j]
    return y + (0 if bias is None else bias)


def _set_random_weights(layer, x, seed=0):
    layer(x)
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize("padding,stride,dilation,k", [
    ("valid", 1, 1, 3), ("valid", 2, 1, 3), ("same", 1, 1, 4), ("same", 2, 1, 4), ("same", 3, 1, 2),
    ("causal", 1, 2, 3), ("causal", 2, 1, 3), ("valid", 1, 2, 3), ("same", 1, 3, 2)])
def test_conv1d_matches_numpy(padding, stride, dilation, k):
    x = np.random.default_rng(1).standard_normal((2, 11, 3)).astype("float32")
    layer = layers.Conv1D(4, k, strides=stride, padding=padding, dilation_rate=dilation)
    kernel, bias = _set_random_weights(layer, x)
    expected = np_conv1d(x, kernel, bias, stride, padding, dilation)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_output_shape((None, 11, 3)) == (None,) + expected.shape[1:]


@pytest.mark.parametrize("padding,strides,dilation,kernel_size", [
    ("valid", (1, 1), (1, 1), (3, 3)), ("same", (1, 1), (1, 1), (2, 4)), ("same", (2, 2), (1, 1), (3, 3)),
    ("same", (2, 3), (1, 1), (4, 2)), ("valid", (2, 1), (1, 1), (2, 3)), ("same", (1, 1), (2, 2), (3, 2))])
def test_conv2d_matches_numpy(padding, strides, dilation, kernel_size):
    x = np.random.default_rng(2).standard_normal((2, 7, 8, 3)).astype("float32")
    layer = layers.Conv2D(5, kernel_size, strides=strides, padding=padding, dilation_rate=dilation,
                          activation="relu")
    kernel, bias = _set_random_weights(layer, x)
    expected = np.maximum(np_conv2d(x, kernel, bias, strides, padding, dilation), 0)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_output_shape((None, 7, 8, 3)) == (None,) + expected.shape[1:]


def test_conv2d_channels_first_and_groups():
    x = np.random.default_rng(3).standard_normal((2, 4, 6, 5)).astype("float32")  # NCHW
    layer = layers.Conv2D(6, 3, padding="same", data_format="channels_first", groups=2)
    kernel, bias = _set_random_weights(layer, x)
    assert kernel.shape == (3, 3, 2, 6)
    x_last = x.transpose(0, 2, 3, 1)
    # groups: output channels 0-2 see input channels 0-1, outputs 3-5 see inputs 2-3
    expected = np.concatenate([np_conv2d(x_last[..., :2], kernel[..., :3], bias[:3], padding="same"),
                               np_conv2d(x_last[..., 2:], kernel[..., 3:], bias[3:], padding="same")], axis=-1)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected.transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-4)


def test_conv3d_is_a_sum_of_conv2d_slices():
    x = np.random.default_rng(4).standard_normal((1, 3, 5, 5, 2)).astype("float32")
    layer = layers.Conv3D(3, (2, 3, 3), use_bias=False)
    (kernel,) = _set_random_weights(layer, x)
    out = layer(x).detach().cpu().numpy()
    for d in range(2):
        expected = sum(np_conv2d(x[:, d + i], kernel[i], None) for i in range(2))
        np.testing.assert_allclose(out[:, d], expected, rtol=1e-4, atol=1e-4)


def test_conv_harness():
    run_layer_test(layers.Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal"}, input_shape=(2, 6, 3),
                   expected_output_shape=(2, 6, 4), expected_num_trainable_weights=2)
    run_layer_test(layers.Conv2D, {"filters": 2, "kernel_size": (2, 3), "strides": 2, "padding": "same"},
                   input_shape=(2, 5, 5, 3), expected_output_shape=(2, 3, 3, 2), expected_num_trainable_weights=2)
    run_layer_test(layers.Conv3D, {"filters": 2, "kernel_size": 2}, input_shape=(1, 3, 3, 3, 1),
                   expected_output_shape=(1, 2, 2, 2, 2), expected_num_trainable_weights=2)
    run_layer_test(layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, input_shape=(2, 4, 3),
                   expected_output_shape=(2, 9, 2), expected_num_trainable_weights=2)
    run_layer_test(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
                   input_shape=(2, 3, 4, 3), expected_output_shape=(2, 6, 8, 2))
    run_layer_test(layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2}, input_shape=(2, 5, 5, 3),
                   expected_output_shape=(2, 3, 3, 6), expected_num_trainable_weights=2)
    run_layer_test(layers.SeparableConv2D, {"filters": 4, "kernel_size": 3, "padding": "same"},
                   input_shape=(2, 5, 5, 3), expected_output_shape=(2, 5, 5, 4), expected_num_trainable_weights=3)
    run_layer_test(layers.SeparableConv1D, {"filters": 4, "kernel_size": 2, "depth_multiplier": 2},
                   input_shape=(2, 5, 3), expected_output_shape=(2, 4, 4), expected_num_trainable_weights=3)


def test_weight_layouts_match_keras():
    x2 = np.zeros((1, 6, 6, 3), dtype="float32")
    shapes = lambda layer, x: [w.shape for w in (layer(x), layer)[1].get_weights()]  # noqa: E731
    assert shapes(layers.Conv1D(4, 5), np.zeros((1, 8, 3), "float32")) == [(5, 3, 4), (4,)]
    assert shapes(layers.Conv2D(4, (2, 3)), x2) == [(2, 3, 3, 4), (4,)]
    assert shapes(layers.Conv2DTranspose(4, (2, 3)), x2) == [(2, 3, 4, 3), (4,)]
    assert shapes(layers.Conv1DTranspose(4, 2), np.zeros((1, 8, 3), "float32")) == [(2, 4, 3), (4,)]
    assert shapes(layers.DepthwiseConv2D(3, depth_multiplier=2), x2) == [(3, 3, 3, 2), (6,)]
    assert shapes(layers.SeparableConv2D(5, 3, depth_multiplier=2), x2) == [(3, 3, 3, 2), (1, 1, 6, 5), (5,)]


@pytest.mark.parametrize("padding,stride,k", [("valid", 2, 3), ("same", 2, 3), ("same", 2, 4), ("same", 3, 2),
                                               ("valid", 1, 3), ("same", 1, 2)])
def test_conv1d_transpose_is_the_adjoint_of_conv1d(padding, stride, k):
    """TensorFlow defines a transposed conv as the gradient of the forward conv: <conv(y), x> = <y, convT(x)>."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    transpose = layers.Conv1DTranspose(4, k, strides=stride, padding=padding, use_bias=False)
    (kernel,) = _set_random_weights(transpose, x)  # (k, 4 out, 3 in)
    out = transpose(x).detach().cpu().numpy().astype(np.float64)
    y = rng.standard_normal(out.shape)
    forward = np_conv1d(y, kernel.astype(np.float64), None, stride, padding)
    assert forward.shape == x.shape
    # CUDA convolutions run in TF32 by default: allow its ~1e-3 relative rounding there
    scale = np.abs(y * out).sum() * (2e-3 if device().type == "cuda" else 1e-5)
    np.testing.assert_allclose(np.sum(forward * x), np.sum(y * out), atol=scale, rtol=0)


def np_conv1d_transpose_scatter(x, kernel, bias, stride, crop_before, length):
    """Scatter each input step over its window, then keep `length` positions from `crop_before`."""
    k = kernel.shape[0]
    full = np.zeros((x.shape[0], max((x.shape[1] - 1) * stride + k, crop_before + length), kernel.shape[1]))
    for i in range(x.shape[1]):
        for j in range(k):
            full[:, i * stride + j] += x[:, i] @ kernel[j].T
    return full[:, crop_before:crop_before + length] + bias


@pytest.mark.parametrize("padding,stride,k,crop,length", [
    ("valid", 2, 3, 0, 11), ("same", 2, 4, 1, 10), ("same", 2, 3, 0, 10), ("valid", 3, 2, 0, 15),
    ("same", 1, 4, 1, 5)])
def test_conv1d_transpose_matches_numpy_scatter(padding, stride, k, crop, length):
    # crop/length hand-computed from TF: valid -> L*s + max(k - s, 0); same -> L*s, cropping
    # floor(total / 2) in front where total = max(k - s, 0) for an input of length L = 5.
    x = np.random.default_rng(6).standard_normal((2, 5, 3)).astype("float32")
    layer = layers.Conv1DTranspose(2, k, strides=stride, padding=padding)
    kernel, bias = _set_random_weights(layer, x)
    expected = np_conv1d_transpose_scatter(x, kernel, bias, stride, crop, length)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_output_shape((None, 5, 3)) == (None, length, 2)


def test_conv2d_transpose_output_padding_and_shape():
    x = np.random.default_rng(7).standard_normal((1, 3, 3, 2)).astype("float32")
    layer = layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)
    # Keras: (n - 1) * s + k - 2 * (k // 2) + output_padding = 2*2 + 3 - 2 + 1 = 6
    assert tuple(layer(x).shape) == (1, 6, 6, 2)
    assert layer.compute_output_shape((None, 3, 3, 2)) == (None, 6, 6, 2)


def test_depthwise_conv2d_channel_order_matches_keras():
    x = np.random.default_rng(8).standard_normal((2, 5, 5, 3)).astype("float32")
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")
    kernel, bias = _set_random_weights(layer, x)
    out = layer(x).detach().cpu().numpy()
    for c in range(3):
        for m in range(2):
            single = np_conv2d(x[..., c:c + 1], kernel[:, :, c:c + 1, m:m + 1], bias[c * 2 + m], padding="same")
            np.testing.assert_allclose(out[..., c * 2 + m], single[..., 0], rtol=1e-4, atol=1e-4)


def test_separable_conv_is_depthwise_then_pointwise():
    x = np.random.default_rng(9).standard_normal((2, 6, 3)).astype("float32")
    layer = layers.SeparableConv1D(4, 3, strides=2, padding="same", depth_multiplier=2)
    depthwise, pointwise, bias = _set_random_weights(layer, x)
    middle = np.concatenate([np_conv1d(x[..., c:c + 1], depthwise[:, c:c + 1, :], None, 2, "same")
                             for c in range(3)], axis=-1)
    expected = middle @ pointwise[0] + bias
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), expected, rtol=1e-4, atol=1e-4)


def test_keras1_names_and_positional_kernel():
    layer = layers.Convolution2D(8, 3, 5, border_mode="same", subsample=(2, 2), init="uniform", bias=False,
                                 W_regularizer="l2", dim_ordering="tf")
    assert type(layer) is layers.Conv2D
    assert (layer.filters, layer.kernel_size, layer.strides, layer.padding) == (8, (3, 5), (2, 2), "same")
    assert layer.use_bias is False and layer.data_format == "channels_last"
    layer(np.zeros((1, 6, 6, 2), "float32"))
    assert np.abs(layer.get_weights()[0]).max() <= 0.05
    keras2_legacy = layers.Conv2D(16, 3, 3, border_mode="valid")
    assert (keras2_legacy.kernel_size, keras2_legacy.strides) == ((3, 3), (1, 1))
    assert layers.Conv2D(16, 3, 2).strides == (2, 2)  # tf.keras/Keras 3 reading without Keras 1 keywords
    conv1 = layers.Convolution1D(nb_filter=6, filter_length=4, border_mode="same", subsample_length=2,
                                 input_dim=5, input_length=9)
    assert (conv1.filters, conv1.kernel_size, conv1.strides, conv1.padding) == (6, (4,), (2,), "same")
    assert conv1._batch_input_shape == (None, 9, 5)
    atrous = layers.AtrousConvolution1D(3, 2, atrous_rate=2)
    assert atrous.dilation_rate == (2,)
    th = layers.Convolution2D(4, 3, 3, dim_ordering="th")
    assert th.data_format == "channels_first"
    conv3 = layers.Convolution3D(2, 1, 2, 3)
    assert conv3.kernel_size == (1, 2, 3)
    deconv = layers.Deconvolution2D(3, 3, 3, (None, 8, 8, 3), subsample=(2, 2), border_mode="same")
    assert type(deconv) is layers.Conv2DTranspose and deconv.strides == (2, 2)
    assert tuple(deconv(np.zeros((1, 4, 4, 2), "float32")).shape) == (1, 8, 8, 3)


def test_keras1_config_loads_through_from_config():
    config = {"name": "c", "nb_filter": 4, "nb_row": 2, "nb_col": 2, "border_mode": "same",
              "subsample": [1, 1], "init": "glorot_uniform", "activation": "relu", "W_regularizer": None,
              "b_regularizer": None, "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
              "dim_ordering": "tf", "bias": True, "trainable": True}
    layer = layers.Convolution2D.from_config(config)
    assert type(layer) is layers.Conv2D and layer.kernel_size == (2, 2) and layer.padding == "same"


def test_bad_arguments_have_clear_errors():
    with pytest.raises(ValueError, match=r"Conv2D.*padding.*'smae'.*Did you mean 'same'.*valid"):
        layers.Conv2D(4, 3, padding="smae")
    with pytest.raises(ValueError, match=r"Conv1D.*padding.*causal"):
        layers.Conv1D(4, 3, padding="casual")
    with pytest.raises(ValueError, match="causal"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match=r"filters must be a positive integer"):
        layers.Conv1D(0, 3)
    with pytest.raises(ValueError, match=r"kernel_size must be an integer or a tuple of 2"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"Conv2D layer 'small'.*kernel_size \(5, 5\).*\(3, 3\).*valid"):
        layers.Conv2D(4, 5, name="small")(np.zeros((1, 3, 3, 1), "float32"))
    layer = layers.Conv1D(2, 4, name="seq")
    assert layer.compute_output_shape((None, None, 3)) == (None, None, 2)
    layer(np.zeros((1, 6, 3), "float32"))
    with pytest.raises(ValueError, match=r"'seq'.*\(4,\).*\(2,\)"):
        layer(np.zeros((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match=r"'seq'.*axis -1.*value 3"):
        layer(np.zeros((1, 6, 4), "float32"))
    with pytest.raises(ValueError, match=r"divisible by groups"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 4, 4, 3), "float32"))


def test_get_config_round_trip_keeps_keras_names():
    layer = layers.Conv2D(3, 2, strides=2, padding="same", activation="relu", kernel_regularizer="l2")
    config = layer.get_config()
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
                "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer"):
        assert key in config
    assert config["activation"] == "relu" and config["kernel_size"] == (2, 2)
    clone = layers.Conv2D.from_config(config)
    assert clone.strides == (2, 2) and clone.padding == "same"
