"""Image preprocessing layers: Resizing and CenterCrop against NumPy references; the random layers
checked image by image against the set of outputs their factors allow, with closed forms built
from np.pad / np.rot90 / explicit index arithmetic."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers
from tests.layer_testing import run_layer_test


def _images(shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype("float32")


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


# -- NumPy references -------------------------------------------------------------------------------
def _bilinear_axis(size_in, size_out):
    """Half-pixel-centre source positions along one axis (tf.image.resize, no antialias)."""
    src = np.maximum((np.arange(size_out) + 0.5) * size_in / size_out - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(int), size_in - 1)
    high = np.minimum(low + 1, size_in - 1)
    return low, high, src - low


def resize_bilinear_ref(image, height, width):  # (H, W, C)
    y0, y1, wy = _bilinear_axis(image.shape[0], height)
    x0, x1, wx = _bilinear_axis(image.shape[1], width)
    wy, wx = wy[:, None, None], wx[None, :, None]
    top = image[y0][:, x0] * (1 - wx) + image[y0][:, x1] * wx
    bottom = image[y1][:, x0] * (1 - wx) + image[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy


def resize_nearest_ref(image, height, width):
    rows = np.minimum(np.floor((np.arange(height) + 0.5) * image.shape[0] / height).astype(int), image.shape[0] - 1)
    cols = np.minimum(np.floor((np.arange(width) + 0.5) * image.shape[1] / width).astype(int), image.shape[1] - 1)
    return image[rows][:, cols]


def aspect_crop_ref(image, height, width):
    h, w = image.shape[:2]
    crop_h, crop_w = min(h, w * height // width), min(w, h * width // height)
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    return image[top:top + crop_h, left:left + crop_w]


_NP_PAD_MODES = {"reflect": "symmetric", "wrap": "wrap", "nearest": "edge", "constant": "constant"}


def shift_ref(image, dy, dx, fill_mode, fill_value=0.0):
    """out[y, x] = extended image at (y - dy, x - dx), for integer shifts."""
    h, w = image.shape[:2]
    pad = max(abs(dy), abs(dx))
    extra = {"constant_values": fill_value} if fill_mode == "constant" else {}
    padded = np.pad(image, ((pad, pad), (pad, pad), (0, 0)), mode=_NP_PAD_MODES[fill_mode], **extra)
    return padded[pad - dy:pad - dy + h, pad - dx:pad - dx + w]


# -- Resizing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(3, 4), (9, 13), (6, 10)])
def test_resizing_bilinear_matches_half_pixel_reference(size):
    x = _images((2, 6, 10, 3))
    y = _np(layers.Resizing(*size)(x))
    expected = np.stack([resize_bilinear_ref(image, *size) for image in x])
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-3)


def test_resizing_nearest_matches_reference():
    x = _images((2, 7, 5, 2))
    y = _np(layers.Resizing(4, 9, interpolation="nearest")(x))
    np.testing.assert_array_equal(y, np.stack([resize_nearest_ref(image, 4, 9) for image in x]))


def test_resizing_crop_to_aspect_ratio_crops_the_centre_before_resizing():
    x = _images((1, 8, 12, 3))
    y = _np(layers.Resizing(4, 4, crop_to_aspect_ratio=True)(x))
    expected = resize_bilinear_ref(aspect_crop_ref(x[0], 4, 4), 4, 4)  # the central 8x8, halved
    np.testing.assert_allclose(y[0], expected, rtol=1e-5, atol=1e-3)


def test_resizing_pad_to_aspect_ratio_pads_evenly_with_fill_value():
    x = _images((1, 4, 8, 1))
    y = _np(layers.Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=-1.0)(x))
    expected = np.full((8, 8, 1), -1.0, dtype="float32")
    expected[2:6] = x[0]
    np.testing.assert_allclose(y[0], expected)


def test_resizing_channels_first_unbatched_and_integer_input():
    x = _images((5, 6, 3))
    first = _np(layers.Resizing(3, 4, data_format="channels_first")(x.transpose(2, 0, 1)))
    np.testing.assert_allclose(first.transpose(1, 2, 0), resize_bilinear_ref(x, 3, 4), rtol=1e-5, atol=1e-3)
    pixels = np.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3).astype("uint8")
    out = layers.Resizing(2, 2)(pixels)
    assert out.dtype == torch.float32 and tuple(out.shape) == (2, 2, 2, 3)


def test_resizing_layer_harness_and_symbolic_shape():
    run_layer_test(layers.Resizing, {"height": 3, "width": 5, "interpolation": "bicubic"}, input_shape=(2, 6, 7, 3),
                   expected_output_shape=(2, 3, 5, 3), expected_num_trainable_weights=0)
    assert layers.Resizing(3, 5).compute_output_shape((None, None, None, 3)) == (None, 3, 5, 3)
    assert layers.Resizing(3, 5, data_format="channels_first").compute_output_shape((None, 3, 8, 8)) == (None, 3, 3, 5)


def test_resizing_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match="Resizing: `interpolation`.*'cubic'"):
        layers.Resizing(3, 3, interpolation="cubic")
    with pytest.raises(ValueError, match="Resizing: only one of"):
        layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="Resizing: `height` must be a positive integer"):
        layers.Resizing(0, 3)


# -- CenterCrop -------------------------------------------------------------------------------------
def test_center_crop_takes_the_central_window():
    x = _images((2, 7, 10, 3))
    np.testing.assert_array_equal(_np(layers.CenterCrop(4, 5)(x)), x[:, 1:5, 2:7])
    np.testing.assert_array_equal(_np(layers.CenterCrop(4, 5)(x[0])), x[0, 1:5, 2:7])
    first = _np(layers.CenterCrop(4, 5, data_format="channels_first")(x.transpose(0, 3, 1, 2)))
    np.testing.assert_array_equal(first, x[:, 1:5, 2:7].transpose(0, 3, 1, 2))


def test_center_crop_resizes_images_smaller_than_the_target():
    x = _images((1, 4, 6, 1))
    y = _np(layers.CenterCrop(8, 8)(x))
    np.testing.assert_allclose(y[0], resize_bilinear_ref(aspect_crop_ref(x[0], 8, 8), 8, 8), rtol=1e-5, atol=1e-3)


def test_center_crop_layer_harness():
    run_layer_test(layers.CenterCrop, {"height": 2, "width": 3}, input_shape=(2, 5, 5, 1),
                   expected_output_shape=(2, 2, 3, 1))


# -- the random layers: inference, shapes, seeds ------------------------------------------------------
RANDOM_LAYERS = [
    (layers.RandomFlip, {"mode": "horizontal"}),
    (layers.RandomRotation, {"factor": 0.2}),
    (layers.RandomZoom, {"height_factor": 0.3}),
    (layers.RandomTranslation, {"height_factor": 0.2, "width_factor": 0.3, "fill_mode": "wrap"}),
    (layers.RandomContrast, {"factor": 0.5}),
    (layers.RandomBrightness, {"factor": 0.3}),
]


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=lambda v: getattr(v, "__name__", ""))
def test_random_layers_are_identity_at_inference(cls, kwargs):
    x = _images((4, 8, 8, 3))
    layer = cls(**kwargs)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    model = keras.Sequential([keras.Input((8, 8, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


@pytest.mark.parametrize("cls,kwargs", RANDOM_LAYERS, ids=lambda v: getattr(v, "__name__", ""))
def test_random_layers_shape_dtype_seed_and_config(cls, kwargs):
    x = _images((6, 9, 9, 3))
    layer, out = run_layer_test(cls, dict(kwargs, seed=7), input_data=x, expected_output_shape=x.shape,
                                expected_num_trainable_weights=0)
    assert out.dtype == torch.float32
    # the same seed gives the same augmentation; the layer's own stream moves on between calls
    a, b = cls(**kwargs, seed=3), cls(**kwargs, seed=3)
    first = _np(a(x, training=True))
    np.testing.assert_array_equal(first, _np(b(x, training=True)))
    assert not np.array_equal(first, _np(a(x, training=True)))
    # without a seed, torch's global seed decides
    torch.manual_seed(11)
    c = _np(cls(**kwargs)(x, training=True))
    torch.manual_seed(11)
    np.testing.assert_array_equal(c, _np(cls(**kwargs)(x, training=True)))
    # unbatched and channels_first inputs
    assert tuple(cls(**kwargs)(x[0], training=True).shape) == x.shape[1:]
    first_layout = cls(**kwargs, seed=3, data_format="channels_first")(x.transpose(0, 3, 1, 2), training=True)
    np.testing.assert_allclose(_np(first_layout).transpose(0, 2, 3, 1), first, rtol=1e-5, atol=1e-3)


def test_a_plain_call_augments_as_in_keras():
    """Keras' call default is training=True: the tutorials look at `data_augmentation(images)`."""
    x = _images((16, 4, 4, 1))
    y = _np(layers.RandomFlip("horizontal", seed=0)(x))
    assert not np.array_equal(y, x)


# -- each image's transformation is one the factor allows --------------------------------------------
@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_random_flip_outputs_the_image_or_an_allowed_flip(mode):
    x = _images((32, 5, 6, 2))
    y = _np(layers.RandomFlip(mode, seed=1)(x, training=True))
    allowed = {"horizontal": [lambda i: i, lambda i: i[:, ::-1]],
               "vertical": [lambda i: i, lambda i: i[::-1]],
               "horizontal_and_vertical": [lambda i: i, lambda i: i[:, ::-1], lambda i: i[::-1],
                                           lambda i: i[::-1, ::-1]]}[mode]
    used = set()
    for image, out in zip(x, y):
        matches = [k for k, f in enumerate(allowed) if np.array_equal(out, f(image))]
        assert matches, "an output is not the image or one of its allowed flips"
        used.add(matches[0])
    assert used == set(range(len(allowed)))  # 32 images: every choice shows up


@pytest.mark.parametrize("factor,k", [((0.25, 0.25), 1), ((-0.25, -0.25), -1), ((0.5, 0.5), 2)])
def test_random_rotation_by_quarter_turns_is_rot90(factor, k):
    x = _images((3, 7, 7, 2))
    y = _np(layers.RandomRotation(factor)(x, training=True))
    np.testing.assert_allclose(y, np.rot90(x, k, axes=(1, 2)), atol=1e-3)


def test_random_rotation_keeps_the_centre_and_rotates_within_the_factor():
    x = _images((8, 9, 9, 1))
    y = _np(layers.RandomRotation(0.1, seed=2, fill_mode="constant")(x, training=True))
    np.testing.assert_allclose(y[:, 4, 4], x[:, 4, 4], rtol=1e-5)  # the centre pixel maps onto itself
    assert not np.allclose(y, x)
    # a rotation about the centre maps a constant image to itself, except uncovered constant-filled corners
    ones = np.ones((1, 9, 9, 1), "float32")
    z = _np(layers.RandomRotation((0.1, 0.1), fill_mode="constant")(ones, training=True))
    np.testing.assert_allclose(z[0, 2:7, 2:7], 1.0, atol=1e-5)
    assert z[0, 0, 0, 0] < 1.0


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest", "constant"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_translation_by_whole_pixels_matches_np_pad(fill_mode, interpolation):
    x = _images((2, 10, 10, 3))
    layer = layers.RandomTranslation((0.3, 0.3), (-0.2, -0.2), fill_mode=fill_mode, interpolation=interpolation,
                                     fill_value=5.0)
    y = _np(layer(x, training=True))
    for image, out in zip(x, y):
        np.testing.assert_allclose(out, shift_ref(image, 3, -2, fill_mode, 5.0), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest", "constant"])
def test_random_translation_by_half_pixels_blends_the_extended_image(fill_mode):
    """A 2.5-pixel shift reads halfway between two whole-pixel shifts of the extended image."""
    x = _images((2, 6, 10, 2))
    y = _np(layers.RandomTranslation((0.0, 0.0), (0.25, 0.25), fill_mode=fill_mode, fill_value=7.0)(
        x, training=True))
    for image, out in zip(x, y):
        expected = 0.5 * (shift_ref(image, 0, 2, fill_mode, 7.0) + shift_ref(image, 0, 3, fill_mode, 7.0))
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-3)


def test_random_translation_shifts_stay_within_the_factor():
    x = np.zeros((16, 20, 20, 1), "float32")
    x[:, 10, 10] = 1.0  # one bright pixel
    y = _np(layers.RandomTranslation(0.1, 0.2, fill_mode="constant", interpolation="nearest", seed=4)(
        x, training=True))
    for out in y:
        row, col = np.argwhere(out[..., 0] == 1.0)[0]
        assert abs(row - 10) <= 2 and abs(col - 10) <= 4


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest", "constant"])
def test_random_zoom_out_matches_index_reference(fill_mode):
    """A zoom factor of 1 (200%) on a 5-pixel side reads source pixels 2x - 2: -2, 0, 2, 4, 6."""
    x = _images((1, 5, 5, 2))
    y = _np(layers.RandomZoom((1.0, 1.0), fill_mode=fill_mode, interpolation="nearest", fill_value=-1.0)(
        x, training=True))
    padded = np.pad(x[0], ((2, 2), (2, 2), (0, 0)), mode=_NP_PAD_MODES[fill_mode],
                    **({"constant_values": -1.0} if fill_mode == "constant" else {}))
    index = np.arange(5) * 2 - 2 + 2  # in the padded image
    np.testing.assert_allclose(y[0], padded[index][:, index])


def test_random_zoom_in_and_separate_width_factor():
    x = _images((1, 9, 9, 1))
    # zoom in by half: output pixel x reads 0.5 x + 2, so even output columns hit source pixels
    y = _np(layers.RandomZoom((-0.5, -0.5))(x, training=True))
    np.testing.assert_allclose(y[0, ::2, ::2], x[0, 2:7, 2:7], rtol=1e-5)
    # height zoomed, width left alone
    z = _np(layers.RandomZoom((-0.5, -0.5), width_factor=(0.0, 0.0))(x, training=True))
    np.testing.assert_allclose(z[0, ::2], x[0, 2:7], rtol=1e-5)
    with pytest.raises(ValueError, match="RandomZoom: `height_factor` must stay above -1"):
        layers.RandomZoom(-1.0)


def test_random_contrast_is_the_closed_form_for_its_drawn_factor():
    x = _images((8, 6, 6, 3))
    y = _np(layers.RandomContrast(0.4, value_range=(-1e6, 1e6), seed=5)(x, training=True))
    means = x.mean(axis=(1, 2), keepdims=True)
    factors = ((y - means) / (x - means)).reshape(8, -1)
    np.testing.assert_allclose(factors, factors[:, :1].repeat(factors.shape[1], 1), rtol=1e-3)
    assert np.all((factors[:, 0] >= 0.6 - 1e-4) & (factors[:, 0] <= 1.4 + 1e-4))
    assert np.ptp(factors[:, 0]) > 0  # one factor per image
    # the default range clips to [0, 255]
    clipped = _np(layers.RandomContrast((0.0, 1.0), seed=5)(x, training=True))
    assert clipped.min() >= 0 and clipped.max() <= 255 and (clipped == 255).any()


def test_random_brightness_adds_one_bounded_offset_per_image():
    x = _images((8, 5, 5, 3), seed=1) * 0.5 + 64  # in [64, 192): no clipping for deltas up to 0.25 * 255
    y = _np(layers.RandomBrightness(0.25, seed=6)(x, training=True))
    delta = (y - x).reshape(8, -1)
    np.testing.assert_allclose(delta, delta[:, :1].repeat(delta.shape[1], 1), atol=1e-3)
    assert np.all(np.abs(delta[:, 0]) <= 0.25 * 255 + 1e-3) and np.ptp(delta[:, 0]) > 0
    unit = _np(layers.RandomBrightness((0.5, 0.5), value_range=(0, 1))(x / 255, training=True))
    np.testing.assert_allclose(unit, np.clip(x / 255 + 0.5, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="RandomBrightness: `factor` must lie in"):
        layers.RandomBrightness(1.5)


def test_random_crop_takes_a_window_per_image_and_resizes_at_inference():
    x = _images((12, 8, 10, 2))
    y = _np(layers.RandomCrop(5, 6, seed=3)(x, training=True))
    offsets = []
    for image, out in zip(x, y):
        found = [(t, l) for t in range(4) for l in range(5) if np.array_equal(out, image[t:t + 5, l:l + 6])]
        assert found, "a training crop is not a window of its image"
        offsets.append(found[0])
    assert len(set(offsets)) > 1
    inferred = _np(layers.RandomCrop(5, 6)(x, training=False))
    expected = np.stack([resize_bilinear_ref(aspect_crop_ref(image, 5, 6), 5, 6) for image in x])
    np.testing.assert_allclose(inferred, expected, rtol=1e-5, atol=1e-3)
    small = layers.RandomCrop(10, 12)(x, training=True)  # smaller than the target: resized, not cropped
    assert tuple(small.shape) == (12, 10, 12, 2)
    run_layer_test(layers.RandomCrop, {"height": 5, "width": 6, "seed": 1}, input_data=x,
                   expected_output_shape=(12, 5, 6, 2))


def test_argument_errors_name_the_layer():
    with pytest.raises(ValueError, match="RandomFlip: `mode` must be one of"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="RandomRotation: `fill_mode` must be one of"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="RandomRotation: `factor` must be a number or a"):
        layers.RandomRotation("0.2")
    with pytest.raises(ValueError, match=r"RandomTranslation: `width_factor` must lie in \[-1.0, 1.0\]"):
        layers.RandomTranslation(0.1, (0.2, 1.5))
    with pytest.raises(ValueError, match="RandomContrast: `factor`"):
        layers.RandomContrast(-0.1)
    with pytest.raises(ValueError, match=r"RandomContrast: `factor` must lie in \[0, 1\]"):
        layers.RandomContrast((0.2, 1.5))
    with pytest.raises(ValueError, match="RandomCrop: expected images of rank 4"):
        layers.RandomCrop(2, 2)(np.zeros((4, 4), "float32"), training=True)


def test_experimental_preprocessing_path():
    from tkeras.layers.experimental import preprocessing
    assert preprocessing.RandomFlip is layers.RandomFlip and preprocessing.Resizing is layers.Resizing


# -- the tutorial: augmentation inside a model ---------------------------------------------------------
def test_cnn_with_data_augmentation_trains_and_predicts_deterministically(tmp_path):
    data_augmentation = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1),
                                          layers.RandomZoom(0.1), layers.RandomContrast(0.1)])
    model = keras.Sequential([
        keras.Input((16, 16, 3)),
        data_augmentation,
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(4, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = _images((32, 16, 16, 3))
    labels = (x.mean(axis=(1, 2, 3)) > 127.5).astype("int64")
    history = model.fit(x, labels, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    first, second = model.predict(x, verbose=0), model.predict(x, verbose=0)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, _np(model(x, training=False)), rtol=1e-5, atol=1e-6)
    model.evaluate(x, labels, verbose=0)

    path = str(tmp_path / "augmented.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), first, rtol=1e-5, atol=1e-6)
