"""tf-keras 2's `K.*` convolution, pooling, resizing, normalization, loss, CTC and loop functions against
the outputs real tf-keras 2.21 gave for the same inputs (tests/fixtures/make_tf_keras_backend_reference.py)."""
import os

import numpy as np
import pytest
import torch

from tkeras import backend as K

REF = np.load(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_keras_backend_reference.npz"))


def close(actual, name, atol=1e-5):
    actual = actual.detach().cpu().numpy() if isinstance(actual, torch.Tensor) else np.asarray(actual)
    expected = REF[name]
    assert actual.shape == expected.shape, (name, actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=atol, err_msg=name)


X1, X2, X3 = REF["conv1d/x"], REF["conv2d/x"], REF["conv3d/x"]
CL = "channels_last"


@pytest.mark.parametrize("tag,kwargs", [("valid", {}), ("same_s2", dict(strides=2, padding="same")),
                                        ("causal_d2", dict(padding="causal", dilation_rate=2))])
def test_conv1d(tag, kwargs):
    close(K.conv1d(X1, REF["conv1d/kernel"], data_format=CL, **kwargs), f"conv1d/out_{tag}")


def test_conv2d_conv3d_depthwise_separable():
    kernel = REF["conv2d/kernel"]
    close(K.conv2d(X2, kernel, strides=(2, 2), padding="same", data_format=CL), "conv2d/out_same_s2")
    close(K.conv2d(X2, kernel, dilation_rate=(2, 2), data_format=CL), "conv2d/out_valid_d2")
    close(K.conv2d(np.transpose(X2, (0, 3, 1, 2)), kernel, padding="same", data_format="channels_first"),
          "conv2d/out_cf")
    close(K.conv3d(X3, REF["conv3d/kernel"], padding="same", data_format=CL), "conv3d/out_same")
    close(K.depthwise_conv2d(X2, REF["depthwise_conv2d/kernel"], padding="same", data_format=CL),
          "depthwise_conv2d/out_same")
    close(K.separable_conv2d(X2, REF["depthwise_conv2d/kernel"], REF["separable_conv2d/pointwise"], strides=(2, 2),
                             data_format=CL), "separable_conv2d/out_valid_s2")


@pytest.mark.parametrize("tag,shape,padding", [("same_s2", (2, 8, 6, 2), "same"), ("valid_s2", (2, 10, 8, 2), "valid"),
                                               ("same_s2_odd", (2, 7, 5, 2), "same")])
def test_conv2d_transpose_reaches_the_requested_output_shape(tag, shape, padding):
    out = K.conv2d_transpose(REF["conv2d_transpose/x"], REF["conv2d_transpose/kernel"], shape, strides=(2, 2),
                             padding=padding, data_format=CL)
    close(out, f"conv2d_transpose/out_{tag}")


def test_pooling():
    close(K.pool2d(X2, (3, 3), strides=(2, 2), padding="same", data_format=CL), "pool2d/out_max_same")
    close(K.pool2d(X2, (3, 3), strides=(2, 2), padding="same", data_format=CL, pool_mode="avg"), "pool2d/out_avg_same")
    close(K.pool3d(X3, (2, 2, 2), strides=(2, 2, 2), data_format=CL, pool_mode="avg"), "pool3d/out_avg")
    close(K.pool3d(X3, (2, 3, 2), strides=(1, 2, 2), padding="same", data_format=CL), "pool3d/out_max_same")
    with pytest.raises(ValueError, match="K.pool2d: argument 'pool_mode' must be 'max' or 'avg', received 'sum'"):
        K.pool2d(X2, (2, 2), pool_mode="sum")


def test_local_convolutions_and_bias_add():
    close(K.local_conv1d(REF["local_conv1d/x"], REF["local_conv1d/kernel"], (2,), (2,), data_format=CL),
          "local_conv1d/out")
    close(K.local_conv2d(REF["local_conv2d/x"], REF["local_conv2d/kernel"], (2, 2), (2, 1), (2, 3), data_format=CL),
          "local_conv2d/out")
    close(K.bias_add(X2, REF["bias_add/b1"], data_format=CL), "bias_add/out_1d")
    close(K.bias_add(X2, REF["bias_add/bn"], data_format=CL), "bias_add/out_nd")
    close(K.bias_add(np.transpose(X2, (0, 3, 1, 2)), REF["bias_add/b1"], data_format="channels_first"),
          "bias_add/out_1d_cf")
    with pytest.raises(ValueError, match=r"K.bias_add: 'bias' must be 1-D or of rank 3.*received shape \(3, 3\)"):
        K.bias_add(X2, np.zeros((3, 3), "float32"))


def test_resizing_and_padding():
    close(K.resize_images(X2, 2, 3, CL), "resize_images/out_nearest")
    close(K.resize_images(X2, 2, 2, CL, interpolation="bilinear"), "resize_images/out_bilinear")
    close(K.resize_volumes(X3, 2, 1, 3, CL), "resize_volumes/out")
    close(K.temporal_padding(X1, (2, 1)), "temporal_padding/out")
    close(K.spatial_2d_padding(X2, ((1, 0), (2, 3)), data_format=CL), "spatial_2d_padding/out")
    close(K.spatial_3d_padding(X3, ((1, 0), (0, 2), (1, 1)), data_format=CL), "spatial_3d_padding/out")
    with pytest.raises(ValueError, match="K.resize_images: argument 'interpolation' must be one of"):
        K.resize_images(X2, 2, 2, CL, interpolation="cubic")


def test_tensor_helpers():
    close(K.reverse(X2, (1, 3)), "reverse/out")
    close(K.repeat(REF["repeat/x"], 4), "repeat/out")
    close(K.arange(5), "arange/out_5")
    close(K.arange(-3), "arange/out_neg")
    close(K.arange(2, 9, 3, dtype="float32"), "arange/out_2_9_3_float")
    assert K.arange(5).dtype == torch.int32
    close(K.cumsum(X2, axis=1), "cumsum/out")
    close(K.cumprod(X2, axis=2), "cumprod/out")
    close(K.gather(X2[0], REF["gather/indices"]), "gather/out")
    for k in (1, 2):
        close(K.in_top_k(REF["in_top_k/predictions"], REF["in_top_k/targets"], k), f"in_top_k/out_k{k}")
    close(K.eye(3, dtype="float32"), "eye/out")


def test_batch_normalization_and_batch_statistics():
    g, b, m, v = (REF[f"batch_normalization/{n}"] for n in ("gamma", "beta", "mean", "var"))
    close(K.batch_normalization(X2, m, v, b, g, axis=-1, epsilon=1e-3), "batch_normalization/out_4d")
    close(K.batch_normalization(X1, m, v, b, g, epsilon=0.01), "batch_normalization/out_3d")
    normed, mean, var = K.normalize_batch_in_training(X2, g, b, [0, 1, 2])
    close(normed, "normalize_batch_in_training/out_normed")
    close(mean, "normalize_batch_in_training/out_mean")
    close(var, "normalize_batch_in_training/out_var")
    normed, mean, var = K.normalize_batch_in_training(X1, REF["normalize_batch_in_training/gamma9"], None, [0, 2])
    close(normed, "normalize_batch_in_training/out_b_normed")
    close(mean, "normalize_batch_in_training/out_b_mean")
    close(var, "normalize_batch_in_training/out_b_var")


def test_focal_crossentropies():
    t, p = REF["binary_focal/target"], REF["binary_focal/output"]
    close(K.binary_focal_crossentropy(t, p), "binary_focal/out")
    close(K.binary_focal_crossentropy(t, p * 4 - 2, apply_class_balancing=True, alpha=0.3, gamma=1.5, from_logits=True),
          "binary_focal/out_balanced_logits")
    t, p = REF["categorical_focal/target"], REF["categorical_focal/output"]
    close(K.categorical_focal_crossentropy(t, p), "categorical_focal/out")
    close(K.categorical_focal_crossentropy(t, p * 3, alpha=0.5, gamma=1.0, from_logits=True),
          "categorical_focal/out_logits")


def test_ctc():
    probs, labels = REF["ctc/y_pred"], REF["ctc/labels"]
    close(K.ctc_batch_cost(labels, probs, REF["ctc/input_length"], REF["ctc/label_length"]), "ctc/out_cost", atol=1e-4)
    decoded, log_prob = K.ctc_decode(probs, np.array([6, 5], "int32"))
    close(decoded[0], "ctc/out_greedy")
    close(log_prob, "ctc/out_greedy_logp", atol=1e-4)
    decoded, log_prob = K.ctc_decode(probs, np.array([6, 5], "int32"), greedy=False, beam_width=5, top_paths=2)
    close(decoded[0], "ctc/out_beam_0")
    close(decoded[1], "ctc/out_beam_1")
    close(log_prob, "ctc/out_beam_logp", atol=1e-4)
    sparse = K.ctc_label_dense_to_sparse(labels, np.array([2, 1], "int32")).coalesce()
    close(sparse.indices().T, "ctc/out_sparse_indices")
    close(sparse.values(), "ctc/out_sparse_values")
    assert tuple(sparse.shape) == tuple(REF["ctc/out_sparse_shape"])


def test_ctc_batch_cost_is_the_closed_form_on_a_one_step_case():
    # One step, one label: the only path is the label itself, so the loss is -log p(label) (p renormalized).
    probs = np.array([[[0.7, 0.2, 0.1]]], "float32")
    cost = K.ctc_batch_cost(np.array([[0]]), probs, np.array([[1]]), np.array([[1]]))
    eps = K.epsilon()
    np.testing.assert_allclose(cost.numpy(), [[-np.log((0.7 + eps) / (1 + 3 * eps))]], rtol=1e-5)


def _step(inputs, states):
    h = torch.tanh(inputs @ torch.as_tensor(REF["rnn/w"]) + states[0] @ torch.as_tensor(REF["rnn/u"]))
    return h, [h]


@pytest.mark.parametrize("tag,kwargs", [
    ("plain", {}), ("backwards", dict(go_backwards=True)), ("mask", dict(mask=REF["rnn/mask"])),
    ("mask_unroll", dict(mask=REF["rnn/mask"], unroll=True)),
    ("mask_zero", dict(mask=REF["rnn/mask"], zero_output_for_mask=True)),
    ("mask_back_unroll", dict(mask=REF["rnn/mask"], go_backwards=True, unroll=True)),
    ("last_only", dict(return_all_outputs=False))])
def test_rnn_returns_last_output_outputs_and_states(tag, kwargs):
    h0 = torch.full((2, 5), 0.1)
    last, outputs, states = K.rnn(_step, REF["rnn/x"], [h0], **kwargs)
    close(last, f"rnn/out_{tag}_last")
    close(outputs, f"rnn/out_{tag}_outputs")
    close(states[0], f"rnn/out_{tag}_state")


def test_rnn_input_length_masks_like_a_mask_and_refuses_2d_inputs():
    h0 = torch.full((2, 5), 0.1)
    lengths = torch.tensor([3, 1])
    by_mask = K.rnn(_step, REF["rnn/x"], [h0], mask=np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool))
    by_length = K.rnn(_step, REF["rnn/x"], [h0], input_length=lengths)
    for a, b in zip(by_mask[:2], by_length[:2]):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match=r"K.rnn: inputs must be at least 3-D.*\(2, 4\)"):
        K.rnn(_step, np.zeros((2, 4), "float32"), [h0])


def test_higher_order_functions():
    elems = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    close(K.foldl(lambda acc, e: acc * 2.0 + e, elems), "foldl/out")
    close(K.foldr(lambda acc, e: acc * 2.0 + e, elems), "foldr/out")
    close(K.foldl(lambda acc, e: acc - e, elems, initializer=10.0), "foldl/out_init")
    close(K.map_fn(lambda row: row * row + 1.0, X1[0]), "map_fn/out")


def test_rnn_time_major_nested_inputs_and_constants_follow_a_numpy_loop():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(5, 2, 3)).astype("float32"), rng.normal(size=(5, 2, 1)).astype("float32")  # time major
    shift = np.float32(0.5)

    def step(inputs, states):
        x_a, x_b = inputs
        h = states[0] * 0.5 + x_a.sum(dim=1, keepdim=True) * x_b + states[1]
        return h, [h]  # states[1] is the constant, passed after the states

    last, outputs, states = K.rnn(step, [a, b], [torch.zeros(2, 1)], constants=[torch.tensor(shift)], time_major=True)
    h, expected = np.zeros((2, 1), "float32"), []
    for t in range(5):
        h = h * 0.5 + a[t].sum(axis=1, keepdims=True) * b[t] + shift
        expected.append(h)
    np.testing.assert_allclose(outputs.numpy(), np.stack(expected), rtol=1e-5)
    np.testing.assert_allclose(last.numpy(), expected[-1], rtol=1e-5)
    assert len(states) == 1  # the constants are not returned as states


def test_channels_first_variants_equal_the_transposed_channels_last_results():
    cf = lambda v: np.transpose(v, (0, 3, 1, 2))  # noqa: E731
    back = lambda t: np.transpose(t.numpy(), (0, 2, 3, 1))  # noqa: E731
    xt, kt = REF["conv2d_transpose/x"], REF["conv2d_transpose/kernel"]
    out = K.conv2d_transpose(cf(xt), kt, (2, 2, 8, 6), strides=(2, 2), padding="same", data_format="channels_first")
    np.testing.assert_allclose(back(out), REF["conv2d_transpose/out_same_s2"], atol=1e-5)
    np.testing.assert_allclose(back(K.resize_images(cf(X2), 2, 2, "channels_first", interpolation="bilinear")),
                               REF["resize_images/out_bilinear"], atol=1e-5)
    np.testing.assert_allclose(back(K.pool2d(cf(X2), (3, 3), strides=(2, 2), padding="same",
                                             data_format="channels_first", pool_mode="avg")),
                               REF["pool2d/out_avg_same"], atol=1e-5)
    np.testing.assert_allclose(back(K.spatial_2d_padding(cf(X2), ((1, 0), (2, 3)), data_format="channels_first")),
                               REF["spatial_2d_padding/out"])
    causal = K.conv1d(np.transpose(X1, (0, 2, 1)), REF["conv1d/kernel"], padding="causal", dilation_rate=2,
                      data_format="channels_first")
    np.testing.assert_allclose(np.transpose(causal.numpy(), (0, 2, 1)), REF["conv1d/out_causal_d2"], atol=1e-5)


def test_data_format_defaults_to_the_image_data_format_and_is_checked():
    keras_config = __import__("tkeras").config
    previous = keras_config.image_data_format()
    keras_config.set_image_data_format("channels_first")
    try:
        out = K.conv2d(np.transpose(X2, (0, 3, 1, 2)), REF["conv2d/kernel"], padding="same")
        np.testing.assert_allclose(out.numpy(), REF["conv2d/out_cf"], atol=1e-5)
    finally:
        keras_config.set_image_data_format(previous)
    with pytest.raises(ValueError, match="K.conv2d: argument 'data_format' must be .* received 'NHWC'"):
        K.conv2d(X2, REF["conv2d/kernel"], data_format="NHWC")
    with pytest.raises(ValueError, match=r"K.conv1d: argument 'padding' must be one of \('valid', 'same', 'causal'\)"):
        K.conv1d(X1, REF["conv1d/kernel"], padding="full")
