"""Op calls of keras.ops nn/math/linalg/image/core whose results real Keras 3 wrote to
`tests/fixtures/keras_ops_nn_fidelity_golden.npz`: the cases an audit against Keras 3.15.1 found tkeras
getting wrong (rms-scaled layer norm, int dtypes of relu-like ops, convolutions and pools, resize's
aspect-ratio padding, bicubic/lanczos kernels and integer images, top_k ties, saturate_cast limits,
one_hot/multi_hot/slice/in_top_k edge cases, istft without centring, singular LU, empty frames).

NumPy inputs only; `tests/fixtures/make_ops_golden.py nn_fidelity` runs them with Keras (JAX backend).
"""
import numpy as np


def _rng(seed):
    return np.random.default_rng(seed)


def _f(seed, *shape):
    return _rng(seed).normal(size=shape).astype("float32")


def cases():
    """[(case id, op path under keras.ops, args, kwargs)]."""
    image = _f(1, 2, 9, 8, 3)
    u8 = _rng(2).integers(0, 256, (2, 9, 8, 3)).astype("uint8")
    ints = np.arange(-3, 6).astype("int32")
    int_image = np.arange(2 * 5 * 5).reshape(2, 5, 5, 1).astype("int32")
    re, im = _f(15, 2, 7, 9), _f(16, 2, 7, 9)
    return [
        # normalisation and activations
        ("layer_norm_rms_scaling", "layer_normalization", (_f(12, 3, 8), _f(13, 8)), dict(rms_scaling=True)),
        ("layer_norm_rms_scaling_beta", "layer_normalization", (_f(12, 3, 8), _f(13, 8), _f(14, 8)),
         dict(rms_scaling=True, epsilon=1e-3)),
        ("relu_int", "relu", (ints,), {}),
        ("hard_tanh_int", "hard_tanh", (ints,), {}),
        ("threshold_int", "threshold", (ints, 1, 0), {}),
        ("threshold_int_float_default", "threshold", (ints, 1, 0.5), {}),
        ("softmax_tuple_axis", "softmax", (_f(3, 2, 3, 4),), dict(axis=(1, 2))),
        ("log_softmax_tuple_axis", "log_softmax", (_f(3, 2, 3, 4),), dict(axis=(1, 2))),
        ("ctc_loss_float16", "ctc_loss", (np.array([[1, 2], [3, 1]], "int32"),
                                          _rng(9).normal(size=(2, 5, 4)).astype("float16"),
                                          np.array([2, 2], "int32"), np.array([5, 5], "int32")), {}),
        ("top_k_bool", "top_k", (np.array([True, False, True]), 2), {}),
        ("saturate_cast_bool", "saturate_cast", (np.array([0.0, 2.0], "float32"), "bool"), {}),
        ("scce_float16_logits", "sparse_categorical_crossentropy",
         (np.array([1, 0]), np.array([[1, 2, 3], [3, 2, 1]], "float16")), dict(from_logits=True)),
        # norms
        ("norm_keepdims_matrix", "norm", (_f(4, 3, 4),), dict(keepdims=True)),
        ("norm_keepdims_vector", "norm", (_f(4, 4),), dict(keepdims=True)),
        ("norm_keepdims_3d", "norm", (_f(4, 2, 3, 4),), dict(keepdims=True)),
        ("norm_ord1_keepdims", "norm", (_f(4, 3, 4),), dict(ord=1, keepdims=True)),
        ("norm_fro_axes", "norm", (_f(4, 2, 3, 4),), dict(ord="fro", axis=(1, 2))),
        ("norm_vector_fro", "norm", (_f(4, 4),), dict(ord="fro")),  # Keras refuses
        # integer convolutions and pools keep their dtype
        ("conv_int", "nn.conv", (int_image, np.ones((2, 2, 1, 2), "int32")), {}),
        ("depthwise_conv_int", "nn.depthwise_conv", (int_image, np.ones((2, 2, 1, 2), "int32")), {}),
        ("max_pool_int", "nn.max_pool", (int_image, 2), dict(strides=2)),
        ("adaptive_max_pool_int", "nn.adaptive_max_pool", (int_image, 2), {}),
        ("unfold_int", "nn.unfold", (np.moveaxis(int_image, -1, 1), 2), {}),
        # image resizing
        ("resize_pad_odd", "image.resize", (image, (10, 3)), dict(pad_to_aspect_ratio=True)),
        ("resize_pad_odd_wide", "image.resize", (image, (10, 4)), dict(pad_to_aspect_ratio=True)),
        ("resize_pad_channels_first", "image.resize", (np.moveaxis(image, -1, 1), (3, 7)),
         dict(pad_to_aspect_ratio=True, data_format="channels_first")),
        ("resize_pad_uint8_fill", "image.resize", (u8, (4, 7)), dict(pad_to_aspect_ratio=True, fill_value=7)),
        ("resize_crop", "image.resize", (image, (3, 7)), dict(crop_to_aspect_ratio=True)),
        ("resize_bicubic_up", "image.resize", (image, (13, 11)), dict(interpolation="bicubic")),
        ("resize_bicubic_down", "image.resize", (image, (4, 5)), dict(interpolation="bicubic")),
        ("resize_bicubic_antialias", "image.resize", (image, (4, 5)), dict(interpolation="bicubic", antialias=True)),
        ("resize_lanczos3", "image.resize", (image, (13, 11)), dict(interpolation="lanczos3")),
        ("resize_lanczos5_down", "image.resize", (image, (4, 5)), dict(interpolation="lanczos5")),
        ("resize_lanczos3_antialias", "image.resize", (image, (4, 5)),
         dict(interpolation="lanczos3", antialias=True)),
        ("resize_uint8_bicubic", "image.resize", (u8, (13, 11)), dict(interpolation="bicubic")),
        ("resize_uint8_nearest", "image.resize", (u8, (5, 6)), dict(interpolation="nearest")),
        ("resize_single_bicubic", "image.resize", (image[0], (5, 5)), dict(interpolation="bicubic")),
        ("affine_transform_int", "image.affine_transform",
         (np.array([[0, 1], [2, 3]], "int32")[None, :, :, None] * -3,
          np.array([0.5, 0, 0, 0, 0.5, 0, 0, 0], "float32")), {}),
        # top_k, casts, one/multi-hot, slicing
        ("top_k_ties", "top_k", (np.array([1, 3, 3, 2, 3.0], "float32"), 2), {}),
        ("top_k_ties_rows", "top_k", (np.array([[1, 3, 3, 2, 3], [5, 5, 5, 5, 5]], "float32"), 3), {}),
        ("saturate_cast_nan_inf", "saturate_cast",
         (np.array([np.nan, np.inf, -np.inf, 2.0, 3e9, -3e9], "float32"), "int32"), {}),
        ("saturate_cast_uint8", "saturate_cast", (np.array([np.nan, np.inf, -np.inf, 300, -5, 2.6], "float32"),
                                                  "uint8"), {}),
        ("multi_hot_axis0", "multi_hot", (np.array([[0, 2], [1, 1], [3, 0]], "int32"), 5), dict(axis=0)),
        ("slice_clamped_start", "slice", (np.arange(6.0).astype("float32"), [4], [3]), {}),
        ("slice_negative_start", "slice", (np.arange(12.0).astype("float32").reshape(3, 4), [-1, 2], [2, -1]), {}),
        ("one_hot_out_of_range", "one_hot", (np.array([-1, 5, 2], "int32"), 4), {}),
        ("one_hot_axis0_out_of_range", "one_hot", (np.array([[-1, 5], [2, 0]], "int32"), 4), dict(axis=0)),
        ("in_top_k_out_of_range", "in_top_k",
         (np.array([5, 1, -1], "int32"), np.array([[1, 2, 3], [3, 2, 1], [1, 1, 1]], "float32"), 2), {}),
        # signals and linear algebra
        ("istft_no_center_hann", "istft", ((re, im), 16, 4, 16), dict(center=False)),
        ("istft_no_center_length", "istft", ((re, im), 16, 4, 16), dict(center=False, length=30)),
        ("istft_no_center_hamming", "istft", ((_f(17, 2, 7, 17), _f(18, 2, 7, 17)), 20, 5, 32),
         dict(center=False, window="hamming")),
        ("extract_sequences_too_long", "extract_sequences", (np.arange(3.0).astype("float32"), 5, 1), {}),
        ("irfft_one_bin", "irfft", ((np.ones((2, 1), "float32"), np.ones((2, 1), "float32")),), {}),
        ("rfft_int", "rfft", (np.arange(8).astype("int32"),), {}),
        ("lu_factor_singular", "lu_factor", (np.array([[1, 2], [2, 4.0]], "float32"),), {}),
        ("dot_product_attention_3d", "dot_product_attention", (_f(5, 2, 4, 8), _f(6, 2, 6, 8), _f(7, 2, 6, 8)), {}),
    ]
