"""`tf.image`: numbers against real TensorFlow 2.21 (tests/fixtures/tf_image_reference.npz, made by
make_tf_image_reference.py), the random augmentations by their statistics, and the errors."""
import pathlib

import numpy as np
import pytest
import torch

from tkeras.compat import tf_namespace as tf

REFERENCE = np.load(pathlib.Path(__file__).parents[1] / "fixtures" / "tf_image_reference.npz")
INPUT = {key[len("input/"):]: REFERENCE[key] for key in REFERENCE.files if key.startswith("input/")}
EXPECTED = {key[len("output/"):]: REFERENCE[key] for key in REFERENCE.files if key.startswith("output/")}
IMAGE, PIXELS, BATCH = INPUT["float_image"], INPUT["uint8_image"], INPUT["float_batch"]
SIZES = {"up": (9, 11), "down": (3, 2), "odd": (4, 10)}
image = tf.image


def _resize_call(key):
    kind, method, *rest = key.split("/")
    if kind == "resize":
        antialias, size = bool(int(rest[0])), SIZES[rest[1]]
        return lambda: image.resize(IMAGE, size, method=method, antialias=antialias)
    return lambda: image.resize(PIXELS, (4, 9), method=method)


CALLS = {
    "resize_batch/bilinear": lambda: image.resize(BATCH, (8, 3)),
    "resize_aspect": lambda: image.resize(IMAGE, (10, 10), preserve_aspect_ratio=True),
    "resize_with_pad": lambda: image.resize_with_pad(IMAGE, 8, 8),
    "resize_with_pad_uint8_nearest": lambda: image.resize_with_pad(PIXELS, 5, 9, method="nearest"),
    "resize_with_pad_batch": lambda: image.resize_with_pad(BATCH, 3, 9),
    "resize_with_crop_or_pad": lambda: image.resize_with_crop_or_pad(PIXELS, 3, 7),
    "resize_with_crop_or_pad_batch": lambda: image.resize_with_crop_or_pad(BATCH, 8, 4),
    "central_crop/0.5": lambda: image.central_crop(IMAGE, 0.5),
    "central_crop/0.33": lambda: image.central_crop(PIXELS, 0.33),
    "central_crop_batch/0.7": lambda: image.central_crop(BATCH, 0.7),
    "crop_to_bounding_box": lambda: image.crop_to_bounding_box(IMAGE, 1, 2, 3, 4),
    "pad_to_bounding_box": lambda: image.pad_to_bounding_box(PIXELS, 1, 2, 8, 7),
    "per_image_standardization/float": lambda: image.per_image_standardization(IMAGE),
    "per_image_standardization/uint8": lambda: image.per_image_standardization(PIXELS),
    "per_image_standardization/batch": lambda: image.per_image_standardization(BATCH),
    "per_image_standardization/constant": lambda: image.per_image_standardization(np.full((2, 2, 1), 7, "uint8")),
    "rgb_to_grayscale/float": lambda: image.rgb_to_grayscale(IMAGE),
    "rgb_to_grayscale/uint8": lambda: image.rgb_to_grayscale(PIXELS),
    "grayscale_to_rgb": lambda: image.grayscale_to_rgb(image.rgb_to_grayscale(PIXELS)),
    "rgb_to_hsv": lambda: image.rgb_to_hsv(IMAGE),
    "hsv_to_rgb": lambda: image.hsv_to_rgb(IMAGE),
    "convert/uint8_float32": lambda: image.convert_image_dtype(PIXELS, tf.float32),
    "convert/float32_uint8": lambda: image.convert_image_dtype(IMAGE, tf.uint8),
    "convert/float32_uint8_saturate": lambda: image.convert_image_dtype(IMAGE * 1.5 - 0.2, tf.uint8, saturate=True),
    "convert/uint8_int32": lambda: image.convert_image_dtype(PIXELS, tf.int32),
    "convert/int32_uint8": lambda: image.convert_image_dtype(INPUT["int32_image"], "uint8"),
    "convert/uint8_float16": lambda: image.convert_image_dtype(PIXELS, tf.float16),
    "adjust_brightness/float": lambda: image.adjust_brightness(IMAGE, 0.3),
    "adjust_brightness/uint8": lambda: image.adjust_brightness(PIXELS, -0.2),
    "adjust_contrast/float": lambda: image.adjust_contrast(IMAGE, 1.7),
    "adjust_contrast/uint8": lambda: image.adjust_contrast(PIXELS, 0.6),
    "adjust_contrast/batch": lambda: image.adjust_contrast(BATCH, 2.0),
    "adjust_gamma/float": lambda: image.adjust_gamma(IMAGE, 0.5, 1.2),
    "adjust_gamma/uint8": lambda: image.adjust_gamma(PIXELS, 2.0),
    "adjust_saturation/float": lambda: image.adjust_saturation(IMAGE, 1.8),
    "adjust_saturation/uint8": lambda: image.adjust_saturation(PIXELS, 0.4),
    "adjust_hue/float": lambda: image.adjust_hue(IMAGE, 0.3),
    "adjust_hue/negative": lambda: image.adjust_hue(IMAGE, -0.45),
    "adjust_hue/uint8": lambda: image.adjust_hue(PIXELS, 0.1),
    "rot90/3": lambda: image.rot90(PIXELS, k=3),
    "rot90_batch/1": lambda: image.rot90(BATCH),
    "transpose": lambda: image.transpose(PIXELS),
}
CALLS.update({key: _resize_call(key) for key in EXPECTED if key.startswith(("resize/", "resize_uint8/"))})
OTHER = BATCH[::-1] * 0.8 + 0.1
BIG = np.random.RandomState(1).uniform(0, 1, (2, 16, 18, 3)).astype("float32")
PATCHES = {"plain": (2, 2, 1), "overlap": (3, 2, 1), "dilated": (2, 3, 2)}
CALLS.update({
    "psnr/float": lambda: image.psnr(BATCH, OTHER, max_val=1.0),
    "psnr/uint8": lambda: image.psnr(PIXELS, PIXELS[::-1], max_val=255),
    "ssim/float": lambda: image.ssim(BIG, np.clip(BIG + 0.2 * BIG[::-1], 0, 1), max_val=1.0),
    "ssim/uint8": lambda: image.ssim((BIG[0] * 255).astype("uint8"), (BIG[1] * 255).astype("uint8"), max_val=255),
    "ssim/small_filter": lambda: image.ssim(BIG, BIG[::-1], max_val=1.0, filter_size=5, filter_sigma=0.8),
    "total_variation/batch": lambda: image.total_variation(BATCH),
    "total_variation/image": lambda: image.total_variation(IMAGE),
    "image_gradients/dy": lambda: image.image_gradients(BATCH)[0],
    "image_gradients/dx": lambda: image.image_gradients(BATCH)[1],
    "sobel_edges": lambda: image.sobel_edges(BATCH),
    "extract_patches/uint8": lambda: image.extract_patches(PIXELS[None], [1, 3, 2, 1], [1, 3, 2, 1], [1, 1, 1, 1],
                                                           "VALID"),
})
for _padding in ("VALID", "SAME"):
    for _label, (_size, _stride, _rate) in PATCHES.items():
        CALLS[f"extract_patches/{_padding}/{_label}"] = (
            lambda p=_padding, k=_size, s=_stride, r=_rate: image.extract_patches(BATCH, [1, k, k, 1], [1, s, s, 1],
                                                                                  [1, r, r, 1], p))


def test_every_reference_output_has_a_call():
    assert sorted(CALLS) == sorted(EXPECTED)
    methods = {key.split("/")[1] for key in EXPECTED if key.startswith("resize/")}
    assert methods == {value for name, value in vars(image.ResizeMethod).items() if name.isupper()}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_matches_tensorflow(key):
    expected = EXPECTED[key]
    result = CALLS[key]()
    assert isinstance(result, tf.Tensor)
    got = result.numpy()
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if expected.dtype.kind == "f":
        tolerance = 1e-3 if expected.dtype == np.float16 else 1e-5
        np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance)
    else:
        np.testing.assert_array_equal(got, expected)


def test_resize_dtype_and_layout_rules():
    pixels = np.arange(2 * 4 * 6 * 3, dtype="uint8").reshape(2, 4, 6, 3)
    assert image.resize(pixels, (8, 3)).dtype == tf.float32
    assert image.resize(pixels, (8, 3), method=image.ResizeMethod.NEAREST_NEIGHBOR).dtype == tf.uint8
    assert tuple(image.resize(pixels[0], (8, 3)).shape) == (8, 3, 3)
    assert tuple(image.resize(pixels, [8, 3]).shape) == (2, 8, 3, 3)
    assert tuple(image.resize(pixels, tf.shape(pixels)[1:3] * 2).shape) == (2, 8, 12, 3)  # a size tensor
    assert tuple(image.resize(pixels, [tf.constant(5), np.int64(2)]).shape) == (2, 5, 2, 3)
    np.testing.assert_array_equal(image.resize(pixels, (4, 6), method="nearest").numpy(), pixels)
    # each image of a batch is resized on its own
    np.testing.assert_allclose(image.resize(pixels, (5, 5)).numpy()[1], image.resize(pixels[1], (5, 5)).numpy())


def test_flips_and_conversions_against_numpy():
    batch = np.random.RandomState(1).randint(0, 255, (2, 3, 4, 3)).astype("uint8")
    np.testing.assert_array_equal(image.flip_left_right(batch).numpy(), batch[:, :, ::-1])
    np.testing.assert_array_equal(image.flip_up_down(batch[0]).numpy(), batch[0, ::-1])
    np.testing.assert_array_equal(image.rot90(batch[0], k=-1).numpy(), np.rot90(batch[0], k=-1))
    converted = image.convert_image_dtype(batch, tf.float32).numpy()
    np.testing.assert_allclose(converted, batch / 255.0, rtol=1e-6)
    assert tf.cast(batch, tf.float32).numpy().max() == batch.max()  # a plain cast keeps the numbers


def test_bad_inputs_name_the_function_and_argument():
    with pytest.raises(ValueError, match=r"tf.image.resize: `images` must be one image .* received shape \(5,\)"):
        image.resize(np.zeros(5), (2, 2))
    with pytest.raises(ValueError, match=r"tf.image.resize: `method` must be one of .*received 'cubic'"):
        image.resize(IMAGE, (2, 2), method="cubic")
    with pytest.raises(ValueError, match=r"tf.image.resize: `size` must be two positive integers"):
        image.resize(IMAGE, (2, 2, 2))
    with pytest.raises(ValueError, match=r"central_crop: central_fraction must be within \(0, 1\]"):
        image.central_crop(IMAGE, 1.5)
    with pytest.raises(ValueError, match=r"crop_to_bounding_box: width must be >= target \+ offset"):
        image.crop_to_bounding_box(IMAGE, 0, 5, 2, 3)
    with pytest.raises(ValueError, match=r"rgb_to_grayscale: the last axis of `images` must hold 3 channels"):
        image.rgb_to_grayscale(np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match=r"random_crop: `size` must have one entry per dimension"):
        image.random_crop(IMAGE, (6, 2, 3))
    with pytest.raises(ValueError, match=r"random_contrast: upper must be > lower"):
        image.random_contrast(IMAGE, 0.5, 0.2)
    with pytest.raises(ValueError, match=r"random_hue: max_delta must be in the interval \[0, 0.5\]"):
        image.random_hue(IMAGE, 0.7)
    with pytest.raises(TypeError, match=r"tf.image.flip_left_right: `image` must hold integers or floats"):
        image.flip_left_right(np.zeros((2, 2, 1), dtype=bool))
    with pytest.raises(ValueError, match=r"tf.image.ssim: images must be at least filter_size=11 pixels"):
        image.ssim(IMAGE, IMAGE, max_val=1.0)
    with pytest.raises(ValueError, match=r"tf.image.psnr: `a` and `b` must have the same shape"):
        image.psnr(IMAGE, BATCH, max_val=1.0)
    with pytest.raises(ValueError, match=r"extract_patches: `sizes` must be \[1, rows, cols, 1\]"):
        image.extract_patches(BATCH, [2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match=r"extract_patches: `padding` must be 'VALID' or 'SAME'"):
        image.extract_patches(BATCH, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "FULL")
    with pytest.raises(AttributeError, match=r"tf.image.generate_bounding_box_proposals is not supported in tkeras"):
        image.generate_bounding_box_proposals


# -- random augmentations ---------------------------------------------------------------------------
def _flipped(out, original):
    """Per image: True if mirrored, False if unchanged (fails if neither)."""
    flags = []
    for got, was in zip(out, original):
        if np.allclose(got, was[:, ::-1], atol=1e-6):
            flags.append(True)
        else:
            assert np.allclose(got, was, atol=1e-6)
            flags.append(False)
    return np.array(flags)


def test_random_flip_decides_per_image_with_probability_one_half():
    torch.manual_seed(0)
    batch = np.arange(2000 * 2, dtype="float32").reshape(2000, 1, 2, 1)
    flags = _flipped(image.random_flip_left_right(batch).numpy(), batch)
    assert 0.45 < flags.mean() < 0.55  # 2000 fair coins: 5 standard deviations is ±0.056
    single = np.arange(6, dtype="float32").reshape(2, 3, 1)
    ups = [np.array_equal(image.random_flip_up_down(single).numpy(), single[::-1]) for _ in range(400)]
    assert 0.4 < np.mean(ups) < 0.6


def test_an_op_seed_repeats_its_sequence_after_set_seed_and_differs_between_calls():
    batch = np.arange(64 * 2, dtype="float32").reshape(64, 1, 2, 1)
    tf.random.set_seed(7)
    first = [image.random_flip_left_right(batch, seed=3).numpy() for _ in range(2)]
    tf.random.set_seed(7)
    again = [image.random_flip_left_right(batch, seed=3).numpy() for _ in range(2)]
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], first[1])  # 64 coins agreeing twice: 2**-64


def test_stateless_ops_give_the_same_draw_for_the_same_seed():
    batch = np.random.RandomState(2).uniform(size=(32, 4, 4, 3)).astype("float32")
    for fn, args in ((image.stateless_random_flip_left_right, ()), (image.stateless_random_brightness, (0.3,)),
                     (image.stateless_random_contrast, (0.2, 1.8)), (image.stateless_random_saturation, (0.2, 1.8)),
                     (image.stateless_random_hue, (0.3,))):
        one, two = fn(batch, *args, seed=(1, 2)).numpy(), fn(batch, *args, seed=(1, 2)).numpy()
        np.testing.assert_array_equal(one, two)
        assert not np.array_equal(one, fn(batch, *args, seed=(3, 4)).numpy()), fn.__name__
    crop = image.stateless_random_crop(batch[0], (2, 2, 3), seed=[5, 6]).numpy()
    np.testing.assert_array_equal(crop, image.stateless_random_crop(batch[0], (2, 2, 3), seed=[5, 6]).numpy())


def test_random_brightness_adds_one_delta_within_range_to_a_batch():
    batch = np.random.RandomState(3).uniform(0.3, 0.7, (4, 3, 3, 3)).astype("float32")
    deltas = []
    for _ in range(200):
        shift = image.random_brightness(batch, 0.2).numpy() - batch
        np.testing.assert_allclose(shift, shift.flat[0], atol=1e-6)  # one delta for the whole batch
        deltas.append(shift.flat[0])
    assert -0.2 <= min(deltas) < -0.15 and 0.15 < max(deltas) <= 0.2 and abs(np.mean(deltas)) < 0.03
    pixels = np.array([[[250]], [[3]]], dtype="uint8")
    saturated = image.random_brightness(pixels, 0.9).numpy()
    assert saturated.dtype == np.uint8 and saturated.min() >= 0 and saturated.max() <= 255


def test_random_contrast_scales_around_each_channel_mean_by_a_factor_in_range():
    picture = np.random.RandomState(4).uniform(size=(5, 5, 3)).astype("float32")
    centred = picture - picture.mean(axis=(0, 1))
    factors = []
    for _ in range(100):
        out = image.random_contrast(picture, 0.5, 1.5).numpy()
        ratio = (out - picture.mean(axis=(0, 1))) / centred
        np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-3)
        factors.append(ratio.flat[0])
    assert 0.5 <= min(factors) < 0.6 and 1.4 < max(factors) <= 1.5


def test_random_saturation_and_hue_change_colour_not_value():
    picture = np.random.RandomState(5).uniform(0.1, 0.9, (4, 4, 3)).astype("float32")
    for out in (image.random_saturation(picture, 0.5, 1.5).numpy(), image.random_hue(picture, 0.2).numpy()):
        np.testing.assert_allclose(out.max(axis=-1), picture.max(axis=-1), atol=1e-5)  # HSV value kept


def test_random_crop_cuts_a_window_at_every_possible_offset():
    grid = np.arange(5 * 6, dtype="int32").reshape(5, 6, 1)
    corners = set()
    for _ in range(400):
        crop = image.random_crop(grid, (3, 4, 1)).numpy()
        top, left = divmod(int(crop[0, 0, 0]), 6)
        np.testing.assert_array_equal(crop, grid[top:top + 3, left:left + 4])
        corners.add((top, left))
    assert corners == {(t, l) for t in range(3) for l in range(3)}
    assert image.random_crop(np.zeros((8, 5, 5, 3), "uint8"), (8, 2, 2, 3)).dtype == tf.uint8


def test_augmenting_inside_a_dataset_map():
    pixels = np.random.RandomState(6).randint(0, 256, (40, 6, 8, 3)).astype("uint8")
    labels = np.arange(40)

    def prepare(picture, label):
        picture = tf.image.convert_image_dtype(picture, tf.float32)
        picture = tf.image.resize(picture, (4, 4))
        return tf.image.random_flip_left_right(picture), label

    ds = tf.data.Dataset.from_tensor_slices((pixels, labels)).map(
        prepare, num_parallel_calls=tf.data.AUTOTUNE).batch(8).prefetch(tf.data.experimental.AUTOTUNE)
    batches = list(ds)
    assert len(batches) == 5
    x, y = batches[0]
    assert tuple(x.shape) == (8, 4, 4, 3) and x.dtype == tf.float32 and y.dtype == tf.int64
    plain = image.resize(pixels.astype("float32") / 255.0, (4, 4)).numpy()
    seen = np.concatenate([b[0].numpy() for b in batches])
    flags = _flipped(seen, plain)
    assert 0 < flags.sum() < 40  # each image decides for itself


def test_a_functional_model_calling_tf_image_saves_and_loads_in_a_fresh_process(tmp_path):
    import subprocess
    import sys

    import tkeras as keras
    inputs = keras.Input((10, 12, 3))
    resized = tf.image.resize(inputs, (5, 6), method="bicubic")
    model = keras.Model(inputs, keras.layers.Flatten()(tf.image.rgb_to_grayscale(resized)))
    assert model.output_shape == (None, 30)
    batch = np.random.RandomState(7).uniform(size=(2, 10, 12, 3)).astype("float32")
    expected = tf.image.rgb_to_grayscale(tf.image.resize(batch, (5, 6), method="bicubic")).numpy().reshape(2, 30)
    np.testing.assert_allclose(model.predict(batch, verbose=0), expected, atol=1e-6)
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "batch.npy", batch)
    code = ("import numpy as np, tkeras as keras; m = keras.models.load_model('model.keras'); "
            "np.save('out.npy', m.predict(np.load('batch.npy'), verbose=0))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)
