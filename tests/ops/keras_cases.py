"""Op calls whose results real Keras 3 wrote to `tests/fixtures/keras_ops_golden.npz`.

This file holds only NumPy inputs: `tests/fixtures/make_ops_golden.py` runs each call with Keras 3.15.1
(JAX backend) and stores the outputs; `test_keras_golden.py` runs the same calls with tkeras. Used for
the ops whose conventions (padding, layouts, ordering, edge cases) NumPy cannot check.
"""
import numpy as np


def _rng(seed):
    return np.random.default_rng(seed)


def _f(seed, *shape):
    return _rng(seed).normal(size=shape).astype("float32")


def _spd(seed, n):
    a = _f(seed, n, n)
    return (a @ a.T + n * np.eye(n)).astype("float32")


def cases():
    """[(case id, op path under keras.ops, args, kwargs)]."""
    image = _f(1, 2, 7, 6, 3)
    signal = _f(2, 2, 64)
    logits = _f(3, 2, 9, 5)
    probs = np.abs(_f(4, 4, 5)) + 0.05
    onehot = np.eye(5, dtype="float32")[[0, 3, 1, 4]]
    q, k, v = _f(5, 2, 4, 2, 8), _f(6, 2, 6, 2, 8), _f(7, 2, 6, 2, 8)
    mask = _rng(8).random((2, 1, 4, 6)) > 0.3
    return [
        # convolutions and pooling: TF 'same' padding, Keras kernel layouts
        ("conv_same_s2", "nn.conv", (image, _f(9, 3, 3, 3, 4)), dict(strides=2, padding="same")),
        ("conv_valid_dil", "nn.conv", (image, _f(10, 2, 2, 3, 2)), dict(dilation_rate=2)),
        ("conv1d_same", "nn.conv", (_f(11, 2, 9, 3), _f(12, 4, 3, 5)), dict(padding="same", strides=2)),
        ("conv_channels_first", "nn.conv", (np.moveaxis(image, -1, 1), _f(9, 3, 3, 3, 4)),
         dict(padding="same", data_format="channels_first")),
        ("depthwise_same", "nn.depthwise_conv", (image, _f(13, 3, 3, 3, 2)), dict(padding="same", strides=2)),
        ("separable", "nn.separable_conv", (image, _f(14, 3, 3, 3, 2), _f(15, 1, 1, 6, 4)), dict(padding="same")),
        ("conv_transpose_same_s2", "nn.conv_transpose", (image, _f(16, 3, 3, 4, 3)), dict(strides=2, padding="same")),
        ("conv_transpose_valid_s2", "nn.conv_transpose", (image, _f(16, 3, 3, 4, 3)), dict(strides=2)),
        ("conv_transpose_outpad", "nn.conv_transpose", (image, _f(17, 3, 3, 2, 3)),
         dict(strides=2, padding="same", output_padding=1)),
        ("conv_transpose_1d_k4_s3", "nn.conv_transpose", (_f(18, 2, 5, 3), _f(19, 4, 2, 3)),
         dict(strides=3, padding="same")),
        ("max_pool_same", "nn.max_pool", (image, 3), dict(strides=2, padding="same")),
        ("avg_pool_same", "nn.average_pool", (image, (2, 3)), dict(strides=(2, 2), padding="same")),
        ("avg_pool_valid", "nn.average_pool", (image, (2, 2)), dict(strides=(2, 2))),
        ("depth_to_space_last", "nn.depth_to_space", (_f(20, 2, 3, 4, 8), 2), {}),
        ("depth_to_space_first", "nn.depth_to_space", (_f(20, 2, 8, 3, 4), 2), dict(data_format="channels_first")),
        ("space_to_depth_last", "nn.space_to_depth", (_f(21, 2, 4, 6, 3), 2), {}),
        ("space_to_depth_first", "nn.space_to_depth", (_f(21, 2, 3, 4, 6), 2), dict(data_format="channels_first")),
        # activations and normalisations
        ("glu", "nn.glu", (_f(23, 3, 6),), {}),
        ("hard_sigmoid", "nn.hard_sigmoid", (_f(24, 20) * 4,), {}),
        ("hard_silu", "nn.hard_silu", (_f(24, 20) * 4,), {}),
        ("sparse_plus", "nn.sparse_plus", (_f(25, 20) * 2,), {}),
        ("sparse_sigmoid", "nn.sparse_sigmoid", (_f(25, 20) * 2,), {}),
        ("squareplus", "nn.squareplus", (_f(26, 20),), dict(b=2)),
        ("soft_shrink", "nn.soft_shrink", (_f(26, 20),), {}),
        ("celu", "nn.celu", (_f(27, 20),), dict(alpha=0.5)),
        ("log_sigmoid", "nn.log_sigmoid", (_f(27, 20) * 5,), {}),
        ("normalize_l2", "nn.normalize", (_f(28, 3, 4),), {}),
        ("normalize_l1_axis0", "nn.normalize", (_f(28, 3, 4),), dict(order=1, axis=0)),
        ("rms_normalization", "nn.rms_normalization", (_f(29, 3, 8), _f(30, 8)), {}),
        ("layer_normalization", "nn.layer_normalization", (_f(31, 3, 8), _f(32, 8), _f(33, 8)), {}),
        ("batch_normalization", "nn.batch_normalization",
         (_f(34, 4, 3), _f(35, 3), np.abs(_f(36, 3)) + 0.5), dict(axis=-1, offset=_f(37, 3), scale=_f(38, 3))),
        # losses and decoding
        ("binary_crossentropy", "nn.binary_crossentropy",
         ((_rng(39).random((4, 5)) > 0.5).astype("float32"), probs / probs.max() * 0.99), {}),
        ("binary_crossentropy_logits", "nn.binary_crossentropy",
         ((_rng(39).random((4, 5)) > 0.5).astype("float32"), _f(40, 4, 5)), dict(from_logits=True)),
        ("categorical_crossentropy", "nn.categorical_crossentropy", (onehot, probs), {}),
        ("categorical_crossentropy_logits", "nn.categorical_crossentropy", (onehot, _f(41, 4, 5)),
         dict(from_logits=True)),
        ("sparse_categorical_crossentropy", "nn.sparse_categorical_crossentropy",
         (np.array([0, 3, 1, 4]), _f(41, 4, 5)), dict(from_logits=True)),
        ("ctc_loss", "nn.ctc_loss",
         (np.array([[1, 2, 2, 0], [3, 1, 0, 0]], "int32"), logits, np.array([3, 2], "int32"),
          np.array([9, 7], "int32")), {}),
        ("ctc_decode_greedy", "nn.ctc_decode", (logits, np.array([9, 6], "int32")), {}),
        ("ctc_decode_beam", "nn.ctc_decode", (logits, np.array([9, 6], "int32")),
         dict(strategy="beam_search", beam_width=8, top_paths=3)),
        ("ctc_decode_beam_blank_last", "nn.ctc_decode", (logits * 2, np.array([5, 9], "int32")),
         dict(strategy="beam_search", beam_width=4, top_paths=2, mask_index=4)),
        ("dot_product_attention", "nn.dot_product_attention", (q, k, v), {}),
        ("dot_product_attention_mask", "nn.dot_product_attention", (q, k, v), dict(mask=mask)),
        ("dot_product_attention_causal_bias", "nn.dot_product_attention", (q, k, v),
         dict(is_causal=True, bias=_f(42, 2, 2, 4, 6), scale=0.3)),
        ("multi_hot", "nn.multi_hot", (np.array([[0, 2], [1, 1], [3, 0]]), 5), {}),
        ("psnr", "nn.psnr", (_f(43, 2, 8, 8), _f(44, 2, 8, 8), 2.0), {}),
        # core: scatter / segments / top-k
        ("scatter", "scatter", (np.array([[0, 1], [2, 2], [0, 1]]), np.array([1.0, 2.0, 3.0], "float32"), (3, 3)), {}),
        ("scatter_update", "scatter_update",
         (_f(45, 4, 3), np.array([[1], [3]]), _f(46, 2, 3)), {}),
        ("scatter_update_max", "scatter_update",
         (np.zeros((4,), "float32"), np.array([[0], [0], [2]]), np.array([3.0, 5.0, -1.0], "float32")),
         dict(reduction="max")),
        ("slice_update", "slice_update", (_f(47, 4, 5), (1, 2), _f(48, 2, 3)), {}),
        ("segment_sum", "segment_sum", (_f(49, 6, 2), np.array([0, 0, 1, 3, 3, 3])), dict(num_segments=5)),
        ("segment_max", "segment_max", (_f(49, 6, 2), np.array([0, 0, 1, 3, 3, 3])), dict(num_segments=4)),
        ("in_top_k", "in_top_k", (np.array([2, 0, 4]), _f(50, 3, 5), 2), {}),
        ("top_k", "top_k", (_f(51, 3, 6), 3), {}),
        ("extract_sequences", "extract_sequences", (_f(52, 2, 10), 4, 3), {}),
        ("saturate_cast", "saturate_cast", (np.array([-3.0, 7.5, 300.0, 1e10], "float32"), "uint8"), {}),
        ("logdet", "logdet", (_spd(53, 4),), {}),
        ("rearrange", "rearrange", (_f(54, 2, 6, 5), "b (h w) c -> b c h w"), dict(h=2)),
        # Fourier
        ("fft", "fft", ((_f(55, 3, 8), _f(56, 3, 8)),), {}),
        ("rfft", "rfft", (_f(57, 3, 10),), dict(fft_length=8)),
        ("irfft", "irfft", ((_f(58, 3, 5), _f(59, 3, 5)),), dict(fft_length=8)),
        ("stft", "stft", (signal, 16, 8, 32), {}),
        ("stft_hamming_nocenter", "stft", (signal, 20, 5, 32), dict(window="hamming", center=False)),
        ("istft", "istft", ((_f(60, 2, 9, 17), _f(61, 2, 9, 17)), 32, 8, 32), {}),
        # linear algebra (unique results only: no eigen/singular vectors)
        ("inv", "linalg.inv", (_spd(62, 4),), {}),
        ("solve", "linalg.solve", (_spd(63, 4), _f(64, 4, 2)), {}),
        ("cholesky", "linalg.cholesky", (_spd(65, 4),), {}),
        ("det", "linalg.det", (_f(66, 2, 3, 3),), {}),
        ("eigh_values", "linalg.eigh", (_spd(67, 4),), {}),
        ("svd_values", "linalg.svd", (_f(68, 4, 3),), dict(compute_uv=False)),
        ("lstsq", "linalg.lstsq", (_f(69, 6, 3), _f(70, 6, 2)), {}),
        ("pinv", "linalg.pinv", (_f(71, 4, 3),), {}),
        ("matrix_rank", "linalg.matrix_rank", (np.outer(_f(72, 4), _f(73, 3)),), {}),
        ("solve_triangular", "linalg.solve_triangular", (np.tril(_spd(74, 4)), _f(75, 4, 2)), dict(lower=True)),
        ("lu_factor", "linalg.lu_factor", (_f(76, 4, 4),), {}),
        ("norm_fro", "linalg.norm", (_f(77, 3, 4),), {}),
        ("norm_ord1_axis", "linalg.norm", (_f(77, 3, 4),), dict(ord=1, axis=1)),
        # NumPy family details
        ("take_negative", "take", (_f(78, 4, 3), np.array([-1, 0])), dict(axis=0)),
        ("take_flat", "take", (_f(78, 4, 3), np.array([[5, 1]])), {}),
        ("take_along_axis", "take_along_axis", (_f(79, 3, 4), np.array([[0, 3], [1, 1], [2, 0]])), dict(axis=1)),
        ("median_even", "median", (_f(80, 4, 6),), dict(axis=1)),
        ("quantile_methods", "quantile", (_f(81, 11), np.array([0.1, 0.5, 0.93])), dict(method="nearest")),
        ("histogram", "histogram", (_f(82, 50),), dict(bins=6)),
        ("bincount_weights", "bincount", (np.array([0, 1, 1, 4]),), dict(weights=np.array([0.5, 1, 2, 3], "float32"))),
        ("digitize", "digitize", (np.array([0.2, 6.4, 3.0, 1.6], "float32"), np.array([0.0, 1.0, 2.5, 4.0], "float32")),
         {}),
        ("searchsorted_right", "searchsorted", (np.array([1, 2, 2, 3]), np.array([2, 0, 5])), dict(side="right")),
        ("correlate_same", "correlate", (_f(83, 7), _f(84, 3)), dict(mode="same")),
        ("cross", "cross", (_f(85, 4, 3), _f(86, 4, 3)), {}),
        ("kron", "kron", (_f(87, 2, 2), _f(88, 2, 3)), {}),
        ("trace_offset", "trace", (_f(89, 3, 4, 5),), dict(offset=1, axis1=1, axis2=2)),
        ("divide_no_nan", "divide_no_nan", (np.array([1.0, 2.0, 0.0], "float32"), np.array([0.0, 4.0, 0.0], "float32")),
         {}),
        ("nan_to_num", "nan_to_num", (np.array([np.nan, np.inf, -np.inf, 1.0], "float32"),), dict(posinf=9.0)),
        ("unique_counts", "unique", (np.array([3, 1, 3, 2, 1, 3]),), dict(return_counts=True, return_inverse=True)),
        ("tri", "tri", (3, 4), dict(k=1)),
        ("vander", "vander", (np.array([1.0, 2.0, 3.0], "float32"),), dict(N=4)),
        ("roll_axis", "roll", (_f(90, 3, 4), 1), dict(axis=1)),
        ("rot90", "rot90", (_f(91, 2, 3),), dict(k=3)),
        ("nanmean", "nanmean", (np.array([[1.0, np.nan], [3.0, 4.0]], "float32"),), dict(axis=1)),
        ("nanvar", "nanvar", (np.array([[1.0, np.nan, 2.0], [3.0, 4.0, 8.0]], "float32"),), dict(axis=1)),
        ("logaddexp", "logaddexp", (_f(92, 5), _f(93, 5)), {}),
        ("cdist", "cdist", (_f(94, 3, 2), _f(95, 4, 2)), {}),
        ("average_weights", "average", (_f(96, 3, 4),), dict(axis=1, weights=np.array([1, 2, 3, 4], "float32"))),
        ("associative_scan_add", "associative_scan", ("ADD", np.arange(1.0, 9.0, dtype="float32")), {}),
    ] + image_cases()


def image_cases():
    rgb = _rng(100).random((2, 6, 7, 3)).astype("float32")
    photo = _f(101, 2, 9, 8, 2)
    angle = 0.3
    rotate = np.array([[np.cos(angle), -np.sin(angle), 2.0, np.sin(angle), np.cos(angle), -1.5, 0.0, 0.0]] * 2,
                      "float32")
    projective = np.array([[1.1, 0.2, -1.0, -0.1, 0.9, 0.5, 0.01, -0.02], [0.8, 0.0, 1.0, 0.0, 1.2, -2.0, 0.0, 0.0]],
                          "float32")
    coordinates = _rng(102).uniform(-3, 11, size=(2, 5, 4)).astype("float32")
    cases = [
        ("rgb_to_grayscale", "image.rgb_to_grayscale", (rgb,), {}),
        ("rgb_to_hsv", "image.rgb_to_hsv", (rgb,), {}),
        ("hsv_to_rgb", "image.hsv_to_rgb", (rgb,), {}),
        ("rgb_to_hsv_first", "image.rgb_to_hsv", (np.moveaxis(rgb, -1, 1),), dict(data_format="channels_first")),
        ("gaussian_blur", "image.gaussian_blur", (photo,), dict(kernel_size=(5, 3), sigma=(1.5, 0.8),
                                                                  data_format="channels_last")),
        ("sobel_edges", "image.sobel_edges", (photo,), {}),
        ("ssim", "image.ssim", (rgb, np.clip(rgb + _f(103, 2, 6, 7, 3) * 0.1, 0, 1)), dict(filter_size=5)),
        ("extract_patches_same", "image.extract_patches", (photo, (3, 2)),
         dict(strides=(2, 1), padding="same")),
        ("extract_patches_dilated", "image.extract_patches", (photo, 2), dict(strides=1, dilation_rate=2)),
        ("extract_patches_3d", "image.extract_patches_3d", (_f(104, 1, 4, 5, 4, 2), 2), {}),
        ("crop_images", "image.crop_images", (photo, 1, 2), dict(target_height=5, target_width=4)),
        ("crop_images_bottom_right", "image.crop_images", (photo,),
         dict(top_cropping=1, bottom_cropping=2, left_cropping=0, right_cropping=3)),
        ("pad_images", "image.pad_images", (photo, 1, 2), dict(target_height=12, target_width=11)),
        ("perspective_transform", "image.perspective_transform",
         (photo, np.array([[[0, 0], [7, 0], [0, 8], [7, 8]]] * 2, "float32"),
          np.array([[[1, 0], [6, 1], [0, 7], [7, 8]], [[0, 1], [7, 0], [1, 8], [6, 7]]], "float32")), {}),
    ]
    for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for interpolation in ("nearest", "bilinear"):
            cases.append((f"affine_{mode}_{interpolation}", "image.affine_transform", (photo, rotate),
                          dict(fill_mode=mode, interpolation=interpolation, fill_value=0.5)))
        cases.append((f"map_coordinates_{mode}", "image.map_coordinates", (photo[0, :, :, 0], coordinates, 1),
                      dict(fill_mode=mode, fill_value=-1.0)))
    # Projective rows (c0, c1 != 0) are left out: Keras 3.15.1's JAX backend skips the documented division
    # by k = c0 x + c1 y + 1; tests/ops/test_image_ops.py checks it against NumPy instead.
    for method in ("linear", "cubic", "lanczos3", "lanczos5"):
        for antialias in (True, False):
            cases.append((f"scale_translate_{method}_{antialias}", "image.scale_and_translate",
                          (photo, (2, 5, 13, 2), np.array([0.6, 1.7], "float32"), np.array([0.5, -1.0], "float32"),
                           (1, 2), method), dict(antialias=antialias)))
    affine_rows = np.concatenate([projective[:, :6], np.zeros((2, 2), "float32")], axis=1)
    cases.append(("affine_batch", "image.affine_transform", (photo, affine_rows), {}))
    cases.append(("map_coordinates_order0", "image.map_coordinates", (photo[0, :, :, 0], coordinates, 0), {}))
    return cases
