"""keras.preprocessing.image's transforms against tf-keras 2.21 (SciPy-backed) outputs for the same images
and seeds (tests/fixtures/make_tf_keras_image_reference.py), plus their argument checks."""
import os

import numpy as np
import pytest

from tkeras.preprocessing import image

REF = np.load(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_keras_image_reference.npz"))
AFFINE = {"rot": dict(theta=23.0), "shift": dict(tx=1.5, ty=-2.25), "shear": dict(shear=12.0),
          "zoom": dict(zx=0.8, zy=1.3), "all": dict(theta=-35.0, tx=0.7, ty=1.2, shear=8.0, zx=1.1, zy=0.9)}


@pytest.mark.parametrize("name", sorted(AFFINE))
@pytest.mark.parametrize("mode", ["constant", "nearest", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
def test_apply_affine_transform_matches_tf_keras(name, mode, order):
    out = image.apply_affine_transform(REF["image_cf"], **AFFINE[name], fill_mode=mode, cval=0.25, order=order)
    np.testing.assert_allclose(out, REF[f"affine/{name}_{mode}_{order}"], atol=1e-5)


@pytest.mark.parametrize("name", sorted(AFFINE))
def test_apply_affine_transform_channels_last(name):
    out = image.apply_affine_transform(REF["image_cl"], **AFFINE[name], row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(out, REF[f"affine/{name}_cl"], atol=1e-5)


def test_identity_parameters_return_the_image_and_bad_arguments_are_named():
    np.testing.assert_array_equal(image.apply_affine_transform(REF["image_cf"]), REF["image_cf"])
    with pytest.raises(ValueError, match="'fill_mode' must be one of .* received 'mirror'"):
        image.apply_affine_transform(REF["image_cf"], theta=10, fill_mode="mirror")
    with pytest.raises(ValueError, match="must be distinct"):
        image.apply_affine_transform(REF["image_cf"], theta=10, row_axis=1, col_axis=1)
    with pytest.raises(ValueError, match=r"one multi-channel 2-D image \(3 dims\)"):
        image.apply_affine_transform(REF["image_cf"][0], theta=10)
    with pytest.raises(NotImplementedError, match="interpolation order 3"):
        image.apply_affine_transform(REF["image_cf"], theta=10, order=3)


def test_random_helpers_draw_like_tf_keras_after_np_random_seed():
    x_cf, x_cl = REF["image_cf"], REF["image_cl"]
    cases = [(5, lambda: image.random_rotation(x_cf, 40), "rotation"),
             (6, lambda: image.random_shift(x_cf, 0.2, 0.3, fill_mode="reflect"), "shift"),
             (7, lambda: image.random_shear(x_cl, 20, row_axis=0, col_axis=1, channel_axis=2), "shear"),
             (8, lambda: image.random_zoom(x_cf, (0.7, 1.2), fill_mode="constant", cval=1.0), "zoom"),
             (9, lambda: image.random_channel_shift(x_cl, 0.3, channel_axis=2), "channel_shift")]
    for seed, call, name in cases:
        np.random.seed(seed)
        np.testing.assert_allclose(call(), REF[f"random/{name}"], atol=1e-5, err_msg=name)
    with pytest.raises(ValueError, match="'zoom_range' must be a tuple or list of two floats"):
        image.random_zoom(x_cf, (0.5,))


def test_brightness_goes_through_8_bit_levels_as_tf_keras():
    pytest.importorskip("PIL")
    np.random.seed(10)
    np.testing.assert_allclose(image.random_brightness(REF["image_255"], (0.5, 1.5)), REF["random/brightness"])
    wide = REF["image_cl"] * 600 - 100
    np.testing.assert_allclose(image.apply_brightness_shift(wide, 1.3, scale=False),
                               REF["brightness/scale_false_wide"], rtol=1e-5, atol=1e-3)


def test_channel_shift_is_clipped_to_the_image_range():
    x = np.array([[[0.0, 10.0], [5.0, 2.0]]], "float32")  # one channel first
    np.testing.assert_array_equal(image.apply_channel_shift(x, 6.0), [[[6.0, 10.0], [10.0, 8.0]]])


def test_smart_resize_crops_to_the_aspect_ratio_then_resizes():
    np.testing.assert_allclose(image.smart_resize(REF["image_255"], (4, 4)), REF["smart_resize/out"], atol=1e-3)
    np.testing.assert_allclose(image.smart_resize(REF["flow/x"], (3, 6)), REF["smart_resize/out_batch"], atol=1e-3)
    assert isinstance(image.smart_resize(REF["image_255"], (4, 4)), np.ndarray)
    with pytest.raises(ValueError, match=r"smart_resize: expected an image .* received shape \(7, 9\)"):
        image.smart_resize(REF["image_255"][..., 0], (4, 4))


def test_load_img_takes_keras2_grayscale_and_keras3_positional_color_mode(tmp_path):
    pytest.importorskip("PIL")
    path = str(tmp_path / "a.png")
    image.save_img(path, REF["image_255"], scale=False)
    assert image.load_img(path).mode == "RGB"
    assert image.load_img(path, grayscale=True).mode == "L"
    assert image.load_img(path, "grayscale").mode == "L"  # Keras 3: load_img(path, color_mode)
    array = image.img_to_array(image.load_img(path, target_size=(3, 4)))
    assert array.shape == (3, 4, 3) and array.dtype == np.float32
    np.testing.assert_array_equal(image.img_to_array(image.array_to_img(REF["image_255"], scale=False)),
                                  np.floor(REF["image_255"]))
