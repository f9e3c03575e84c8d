"""keras.ops.image beyond resize: what the Keras golden file cannot check (the documented projective
division, random elastic warps) and the errors."""
import numpy as np
import pytest

from tkeras import ops

RNG = np.random.default_rng(31)


def test_projective_transform_divides_by_k_as_documented():
    image = RNG.normal(size=(6, 7, 1)).astype("float32")
    transform = np.array([0.9, 0.1, 0.5, -0.05, 1.1, 0.2, 0.02, -0.03], "float32")
    got = ops.convert_to_numpy(ops.image.affine_transform(image, transform, interpolation="nearest"))
    expected = np.zeros_like(image)
    a0, a1, a2, b0, b1, b2, c0, c1 = transform
    for y in range(6):
        for x in range(7):
            k = c0 * x + c1 * y + 1
            source_x, source_y = (a0 * x + a1 * y + a2) / k, (b0 * x + b1 * y + b2) / k
            col, row = int(np.floor(source_x + 0.5)), int(np.floor(source_y + 0.5))
            if 0 <= row < 6 and 0 <= col < 7:
                expected[y, x] = image[row, col]
    np.testing.assert_allclose(got, expected)


def test_identity_transforms_keep_the_image():
    images = RNG.normal(size=(2, 5, 6, 3)).astype("float32")
    identity = np.array([[1, 0, 0, 0, 1, 0, 0, 0]] * 2, "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(ops.image.affine_transform(images, identity)), images, atol=1e-6)
    corners = np.array([[[0, 0], [5, 0], [0, 4], [5, 4]]] * 2, "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(ops.image.perspective_transform(images, corners, corners)),
                               images, atol=1e-5)
    still = ops.image.elastic_transform(images, alpha=0.0, seed=1)
    np.testing.assert_allclose(ops.convert_to_numpy(still), images, atol=1e-6)


def test_elastic_transform_is_seeded_and_keeps_shapes():
    images = RNG.random((2, 16, 16, 3)).astype("float32")
    first = ops.convert_to_numpy(ops.image.elastic_transform(images, alpha=30.0, sigma=3.0, seed=7))
    again = ops.convert_to_numpy(ops.image.elastic_transform(images, alpha=30.0, sigma=3.0, seed=7))
    assert first.shape == images.shape and np.array_equal(first, again)
    assert not np.allclose(first, images)
    assert first.min() >= images.min() - 1e-6 and first.max() <= images.max() + 1e-6  # a blend of pixels


def test_color_round_trip_and_channels_first():
    rgb = RNG.random((2, 4, 5, 3)).astype("float32")
    back = ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(rgb))
    np.testing.assert_allclose(ops.convert_to_numpy(back), rgb, atol=1e-5)
    first = ops.image.rgb_to_grayscale(np.moveaxis(rgb, -1, 1), data_format="channels_first")
    np.testing.assert_allclose(ops.convert_to_numpy(first)[:, 0], rgb @ np.array([0.2989, 0.5870, 0.1140]),
                               rtol=1e-5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.image.rgb_to_hsv(np.ones((2, 2, 4), "float32")), ValueError, "rgb_to_hsv: 'images' must have 3"),
    (lambda: ops.image.rgb_to_hsv(np.ones((2, 2, 3), "uint8")), TypeError, "rgb_to_hsv: 'images' must be a float"),
    (lambda: ops.image.affine_transform(np.ones((4, 4, 1)), np.ones(6)), ValueError,
     r"affine_transform: 'transform' must be \(8,\)"),
    (lambda: ops.image.affine_transform(np.ones((4, 4, 1)), np.ones(8), fill_mode="edge"), ValueError,
     "affine_transform: argument 'fill_mode'"),
    (lambda: ops.image.map_coordinates(np.ones((3, 3)), [np.ones(2)], 1), ValueError,
     "map_coordinates: 'coordinates' must hold one array per input dimension"),
    (lambda: ops.image.map_coordinates(np.ones((3, 3)), [np.ones(2)] * 2, 3), ValueError,
     "map_coordinates: interpolation order must be 0"),
    (lambda: ops.image.crop_images(np.ones((1, 5, 5, 1)), 1), ValueError,
     "crop_images: pass exactly two of top_cropping, bottom_cropping, target_height"),
    (lambda: ops.image.pad_images(np.ones((1, 5, 5, 1)), 1, 1, target_height=4, target_width=9), ValueError,
     "pad_images: offsets"),
    (lambda: ops.image.ssim(np.ones((4, 4, 1)), np.ones((4, 4, 1))), ValueError, "ssim: images of size"),
    (lambda: ops.image.perspective_transform(np.ones((4, 4, 1)), np.ones((3, 2)), np.ones((3, 2))), ValueError,
     "perspective_transform: 'start_points' and 'end_points' must hold 4"),
    (lambda: ops.image.scale_and_translate(np.ones((4, 4)), (8, 8), [2, 2], [0, 0], (0, 1), "area"), ValueError,
     "scale_and_translate: argument 'method'"),
    (lambda: ops.image.scale_and_translate(np.ones((4, 4)), (8,), [2, 2], [0, 0], (0, 1), "linear"), ValueError,
     "scale_and_translate: 'output_shape' must have one entry per dimension"),
], ids=["channels", "dtype", "transform", "fill_mode", "coordinates", "order", "crop", "pad", "ssim", "points",
        "method", "output_shape"])
def test_bad_input_names_the_op_and_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
