"""The new ops on KerasTensors (functional graphs built from raw ops), their gradients against finite
differences, and the errors bad arguments get."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import ops

RNG = np.random.default_rng(21)

# (id, function of one symbolic or eager tensor, per-sample input shape)
SYMBOLIC = [
    ("arctan2", lambda x: ops.arctan2(x, 2.0), (4, 6)),
    ("logaddexp", lambda x: ops.logaddexp(x, x), (4, 6)),
    ("median", lambda x: ops.median(x, axis=-1), (4, 6)),
    ("quantile", lambda x: ops.quantile(x, 0.3, axis=1, keepdims=True), (4, 6)),
    ("nanmean", lambda x: ops.nanmean(x, axis=(1, 2)), (4, 6)),
    ("take_along_axis", lambda x: ops.take_along_axis(x, ops.argsort(x, axis=-1), axis=-1), (4, 6)),
    ("take", lambda x: ops.take(x, [0, -1], axis=2), (4, 6)),
    ("tril", lambda x: ops.tril(x, k=1), (4, 6)),
    ("diagonal", lambda x: ops.diagonal(x, axis1=1, axis2=2), (4, 6)),
    ("swapaxes", lambda x: ops.swapaxes(x, 1, 2), (4, 6)),
    ("roll", lambda x: ops.roll(x, 2, axis=-1), (4, 6)),
    ("hstack", lambda x: ops.hstack([x, x]), (4, 6)),
    ("diff", lambda x: ops.diff(x, axis=-1), (4, 6)),
    ("divide_no_nan", lambda x: ops.divide_no_nan(x, ops.round(x)), (4, 6)),
    ("extract_sequences", lambda x: ops.extract_sequences(x, 3, 2), (4, 6)),
    ("conv", lambda x: ops.conv(x, np.ones((3, 6, 5), "float32"), padding="same"), (4, 6)),
    ("conv_transpose", lambda x: ops.conv_transpose(x, np.ones((3, 2, 6), "float32"), strides=2), (4, 6)),
    ("max_pool", lambda x: ops.max_pool(x, 2, padding="same"), (5, 6)),
    ("depth_to_space", lambda x: ops.depth_to_space(x, 2), (3, 5, 8)),
    ("glu", lambda x: ops.glu(x), (4, 6)),
    ("sparsemax", lambda x: ops.sparsemax(x), (4, 6)),
    ("rms_normalization", lambda x: ops.rms_normalization(x), (4, 6)),
    ("dot_product_attention", lambda x: ops.dot_product_attention(x, x, x), (4, 2, 3)),
    ("rearrange", lambda x: ops.rearrange(x, "b t c -> b (t c)"), (4, 6)),
    ("rfft", lambda x: ops.rfft(x)[0], (4, 6)),
    ("stft", lambda x: ops.stft(x, 4, 2, 4)[1], (16,)),
    ("cumulative", lambda x: ops.nancumsum(x, axis=1), (4, 6)),
    ("image.rgb_to_hsv", lambda x: ops.image.rgb_to_hsv(ops.sigmoid(x)), (4, 5, 3)),
    ("image.extract_patches", lambda x: ops.image.extract_patches(x, 2), (4, 6, 3)),
    ("image.affine_transform", lambda x: ops.image.affine_transform(x, [[1.0, 0.2, 0.5, 0.0, 1.0, -1.0, 0.0, 0.0]]),
     (4, 6, 3)),
    ("image.crop_images", lambda x: ops.image.crop_images(x, 1, 1, target_height=2, target_width=3), (4, 6, 3)),
]


@pytest.mark.parametrize("name, fn, shape", SYMBOLIC, ids=[s[0] for s in SYMBOLIC])
def test_symbolic_shape_equals_the_eager_result(name, fn, shape):
    data = RNG.normal(size=(3,) + shape).astype("float32")
    inputs = keras.Input(shape)
    outputs = fn(inputs)
    eager = ops.convert_to_numpy(fn(data))
    assert tuple(outputs.shape[1:]) == eager.shape[1:], (outputs.shape, eager.shape)
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(model.predict(data, verbose=0), eager, rtol=1e-5, atol=1e-6)


GRADIENTS = [
    ("hypot", lambda x: ops.hypot(x, x[..., :1] + 3.0)),
    ("logaddexp", lambda x: ops.logaddexp(x, 2 * x)),
    ("median", lambda x: ops.median(x, axis=0)),
    ("nanvar", lambda x: ops.nanvar(x, axis=-1)),
    ("take_along_axis", lambda x: ops.take_along_axis(x, torch.tensor([[2, 0, 1], [1, 1, 0]]), axis=1)),
    ("scatter_update", lambda x: ops.scatter_update(x, [[0, 1]], x[1, :1] * 3)),
    ("segment_max", lambda x: ops.segment_max(x, [0, 1], num_segments=2)),
    ("linalg.inv", lambda x: ops.linalg.inv(x[:, :2] @ x[:, :2].T + 3 * torch.eye(2, dtype=x.dtype))),
    ("linalg.det", lambda x: ops.linalg.det(x[:, :2])),
    ("conv", lambda x: ops.conv(x.reshape(1, 3, 2), x[:1].reshape(1, 3, 1).expand(2, 3, 1).reshape(2, 3, 1)[:, :2],
                                padding="same")),
    ("conv_transpose", lambda x: ops.conv_transpose(x.reshape(1, 3, 2), torch.ones(2, 1, 2, dtype=x.dtype), strides=2,
                                                    padding="same")),
    ("average_pool", lambda x: ops.average_pool(x.reshape(1, 3, 2), 2, padding="same")),
    ("dot_product_attention", lambda x: ops.dot_product_attention(x.reshape(1, 2, 1, 3), x.reshape(1, 2, 1, 3),
                                                                  x.reshape(1, 2, 1, 3), is_causal=True)),
    ("sparsemax", lambda x: ops.sparsemax(x * 0.3)),
    ("layer_normalization", lambda x: ops.layer_normalization(x, axis=0)),
    ("ctc_loss", lambda x: ops.ctc_loss(torch.tensor([[1]]), x.reshape(1, 2, 3), torch.tensor([1]),
                                        torch.tensor([2]))),
    ("associative_scan", lambda x: ops.associative_scan(lambda a, b: a * b, x, axis=1)),
    ("scan", lambda x: ops.scan(lambda c, row: (c * row, c), torch.ones(3, dtype=x.dtype), x)[1]),
    ("vectorized_map", lambda x: ops.vectorized_map(lambda row: row @ row, x)),
]


@pytest.mark.parametrize("name, fn", GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradients_match_finite_differences(name, fn):
    x = torch.tensor(RNG.uniform(0.5, 1.5, size=(2, 3)), dtype=torch.float64, requires_grad=True)
    # plain tensors out: gradcheck writes into its outputs, which user-level results refuse
    assert torch.autograd.gradcheck(lambda v: fn(v).as_subclass(torch.Tensor), (x,), eps=1e-6, atol=1e-5)


ERRORS = [
    (lambda: ops.median(np.ones((2, 3)), axis=2), ValueError, "median: argument 'axis' = 2 is out of range"),
    (lambda: ops.quantile(np.ones(3), 1.5), ValueError, r"quantile: quantiles must lie in \[0, 1\]"),
    (lambda: ops.quantile(np.ones(3), 0.5, method="cubic"), ValueError, "quantile: argument 'method'"),
    (lambda: ops.take_along_axis(np.ones((2, 3)), np.ones(3, "int32"), axis=1), ValueError,
     "take_along_axis: 'indices' must have the rank of 'x'"),
    (lambda: ops.tril(np.ones(3)), ValueError, "tril: argument 'x' must have at least 2 dimensions"),
    (lambda: ops.bitwise_and(np.ones(2), np.ones(2)), TypeError, "bitwise_and: argument 'x' must be an integer"),
    (lambda: ops.linalg.inv(np.ones((2, 3))), ValueError, "inv: argument 'x' must be square"),
    (lambda: ops.linalg.cholesky(-np.eye(2)), ValueError, "cholesky: argument 'x' is not symmetric positive"),
    (lambda: ops.linalg.solve(np.eye(3), np.ones((2, 1))), ValueError, "solve: 'b' of shape"),
    (lambda: ops.conv(np.ones((1, 5, 3)), np.ones((2, 4, 1))), ValueError, "conv: the inputs have 3 channels"),
    (lambda: ops.conv(np.ones((1, 5, 3)), np.ones((2, 3, 1)), padding="full"), ValueError,
     "conv: argument 'padding' must be 'valid' or 'same'"),
    (lambda: ops.max_pool(np.ones((1, 5, 3)), 2, data_format="NHWC"), ValueError, "max_pool: argument 'data_format'"),
    (lambda: ops.depth_to_space(np.ones((1, 2, 2, 6)), 2), ValueError, "depth_to_space: 6 channels"),
    (lambda: ops.fft(np.ones(4)), ValueError, r"fft: argument 'x' must be a \(real, imaginary\) pair"),
    (lambda: ops.stft(np.ones(32, "float32"), 16, 4, 8), ValueError, "stft: 'fft_length' \\(8\\) must be at least"),
    (lambda: ops.scatter_update(np.ones(3), [[0]], [1.0], reduction="sum"), ValueError,
     "scatter_update: argument 'reduction'"),
    (lambda: ops.slice_update(np.ones((3, 3)), (2, 2), np.ones((2, 2))), ValueError, "slice_update: an update"),
    (lambda: ops.segment_sum(np.ones((3, 2)), [0, 1]), ValueError, "segment_sum: 'segment_ids' must be 1-D"),
    (lambda: ops.in_top_k(np.array([0]), np.ones(3), 1), ValueError, "in_top_k: expected 'predictions'"),
    (lambda: ops.rearrange(np.ones((2, 6)), "b (h w) -> b h w"), ValueError, "rearrange: cannot split"),
    (lambda: ops.ctc_decode(np.ones((1, 3, 4)), [3], strategy="best"), ValueError, "ctc_decode: argument 'strategy'"),
    (lambda: ops.cond(True, 1.0, lambda: 2.0), TypeError, "cond: argument 'true_fn' must be callable"),
    (lambda: ops.scan(lambda c, x: (c, x), 0), ValueError, "scan: pass 'xs', or 'length'"),
    (lambda: ops.dot_product_attention(np.ones((1, 2, 1, 4)), np.ones((1, 2, 1, 3)), np.ones((1, 2, 1, 3))),
     ValueError, "dot_product_attention: query/key must share head_dim"),
    (lambda: ops.glu(np.ones((2, 3))), ValueError, "glu: axis 1 of 'x' must have an even size"),
    (lambda: ops.binary_crossentropy(np.ones(3), np.ones(4) * 0.5), ValueError,
     "binary_crossentropy: 'target' and 'output' must have the same shape"),
    (lambda: ops.random.gamma((2,), -1.0), ValueError, "gamma: argument 'alpha' must be positive"),
    (lambda: ops.random.dropout(np.ones(3), 1.0), ValueError, r"dropout: argument 'rate' must be in \[0, 1\)"),
    (lambda: ops.histogram(np.ones((2, 2))), ValueError, "histogram: 'x' must be 1-D"),
    (lambda: ops.searchsorted(np.ones(3), np.ones(2), side="middle"), ValueError, "searchsorted: argument 'side'"),
]


@pytest.mark.parametrize("call, error, message", ERRORS, ids=[m.split(":")[0] for _, _, m in ERRORS])
def test_bad_input_names_the_op_and_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_model_of_new_ops_saves_and_loads(tmp_path):
    inputs = keras.Input((4, 6))
    ordered = ops.take_along_axis(inputs, ops.argsort(inputs, axis=-1), axis=-1)
    mixed = ordered + ops.logaddexp(ops.median(inputs, axis=-1, keepdims=True), 0.5)
    outputs = ops.image.rgb_to_hsv(ops.sigmoid(ops.rms_normalization(mixed)[:, :, :3]))
    model = keras.Model(inputs, outputs)
    data = RNG.normal(size=(2, 4, 6)).astype("float32")
    model.save(tmp_path / "ops.keras")
    loaded = keras.models.load_model(tmp_path / "ops.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)
