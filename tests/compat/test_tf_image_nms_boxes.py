"""tf.image's detection helpers against real TensorFlow 2.21 (tests/fixtures/
tf_image_signal_random_reference.npz, made by make_tf_image_signal_random_reference.py): the NMS family
with tied scores, flipped corners and boxes exactly on the threshold; crop_and_resize with flipped and
out-of-image boxes; draw_bounding_boxes; YIQ/YUV; multi-scale SSIM; and their errors."""
import json
import pathlib

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"
REFERENCE = np.load(FIXTURES / "tf_image_signal_random_reference.npz")
ERRORS = json.loads((FIXTURES / "tf_image_signal_random_reference.json").read_text())["errors"]
IN = {k[len("input/"):]: REFERENCE[k] for k in REFERENCE.files if k.startswith("input/")}


def expected(key):
    if key in REFERENCE.files:
        return REFERENCE[key]
    parts, i = [], 0
    while f"{key}/{i}" in REFERENCE.files:
        parts.append(REFERENCE[f"{key}/{i}"])
        i += 1
    assert parts, key
    return tuple(parts)


def check(key, result, exact=True, atol=1e-5):
    want = expected(key)
    results = result if isinstance(want, tuple) else (result,)
    wants = want if isinstance(want, tuple) else (want,)
    assert len(results) == len(wants), key
    for got, ref in zip(results, wants):
        got = np.asarray(got.numpy() if hasattr(got, "numpy") else got)
        assert got.shape == ref.shape and got.dtype == ref.dtype, (key, got.shape, ref.shape, got.dtype, ref.dtype)
        if exact:
            np.testing.assert_array_equal(got, ref, err_msg=key)
        else:
            np.testing.assert_allclose(got, ref, atol=atol, rtol=1e-5, err_msg=key)


SETS = {"nms": ("nms_boxes", "nms_scores"), "edge": ("edge_boxes", "edge_scores")}


@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("iou", [0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("score_threshold", [float("-inf"), 0.5])
def test_non_max_suppression_matches_selection_order(name, iou, score_threshold):
    boxes, scores = (IN[k] for k in SETS[name])
    result = tf.image.non_max_suppression(boxes, scores, 30, iou, score_threshold)
    check(f"output/{name}/iou{iou}/score{score_threshold}", result)


@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("sigma", [0.0, 0.5])
def test_non_max_suppression_with_scores_and_soft_nms(name, sigma):
    boxes, scores = (IN[k] for k in SETS[name])
    indices, kept = tf.image.non_max_suppression_with_scores(boxes, scores, 25, 0.4, 0.1, sigma)
    want_indices, want_scores = expected(f"output/{name}/soft{sigma}")
    np.testing.assert_array_equal(indices.numpy(), want_indices)
    np.testing.assert_allclose(kept.numpy(), want_scores, rtol=1e-6)
    assert kept.dtype == tf.float32 and indices.dtype == tf.int32


@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("pad", [False, True])
def test_non_max_suppression_padded(name, pad):
    boxes, scores = (IN[k] for k in SETS[name])
    check(f"output/{name}/padded{pad}",
          tf.image.non_max_suppression_padded(boxes, scores, 12, 0.5, 0.2, pad_to_max_output_size=pad))


def test_non_max_suppression_padded_batch_and_overlaps():
    boxes, scores = IN["nms_boxes"], IN["nms_scores"]
    check("output/nms/padded_batch", tf.image.non_max_suppression_padded(
        np.stack([boxes, boxes[::-1]]), np.stack([scores, scores]), 8, 0.4, pad_to_max_output_size=True))
    check("output/overlaps", tf.image.non_max_suppression_overlaps(IN["overlaps"], scores[:12], 10, 0.5, 0.1))


@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("pad_per_class", [False, True])
@pytest.mark.parametrize("clip", [False, True])
def test_combined_non_max_suppression_with_tied_scores(q, pad_per_class, clip):
    result = tf.image.combined_non_max_suppression(IN["comb_boxes"][:, :, :q], IN["comb_scores"], 8, 20, 0.3, 0.2,
                                                   pad_per_class, clip)
    check(f"output/combined/q{q}/pad{pad_per_class}/clip{clip}", result)


def test_combined_non_max_suppression_many_ties_go_through_the_unstable_sort():
    check("output/combined/all",
          tf.image.combined_non_max_suppression(IN["comb_boxes"][:, :, :1], IN["comb_scores"], 30, 90, 0.9))


def test_nms_errors():
    boxes, scores = IN["nms_boxes"], IN["nms_scores"]
    assert "iou_threshold must be in [0, 1]" in ERRORS["nms/bad_iou"]
    with pytest.raises(ValueError, match=r"iou_threshold must be in \[0, 1\]"):
        tf.image.non_max_suppression(boxes, scores, 3, 1.5)
    assert "boxes must have 4 columns" in ERRORS["nms/bad_boxes"]
    with pytest.raises(ValueError, match="boxes must have 4 columns"):
        tf.image.non_max_suppression(boxes[:, :3], scores, 3)
    with pytest.raises(ValueError, match=ERRORS["padded/batched_unpadded"].split(": ", 1)[1].replace("(", r"\(")
                       .replace(")", r"\)")):
        tf.image.non_max_suppression_padded(boxes[None], scores[None], 3)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(4, 5), (1, 1), (1, 6)])
def test_crop_and_resize(method, size):
    result = tf.image.crop_and_resize(IN["image"], IN["crop_boxes"], [0, 1, 0, 1, 0, 1], size, method,
                                      extrapolation_value=-7.0)
    check(f"output/crop/{method}/{size[0]}x{size[1]}", result, exact=False, atol=2e-4)


def test_crop_and_resize_integer_images_and_errors():
    check("output/crop/uint8", tf.image.crop_and_resize(IN["image"].astype(np.uint8), IN["crop_boxes"][:2], [1, 0],
                                                        (3, 3)), exact=False, atol=1e-4)
    assert "box_index has values outside [0, batch_size)" in ERRORS["crop/bad_index"]
    with pytest.raises(ValueError, match=r"box_index has values outside \[0, batch_size\)"):
        tf.image.crop_and_resize(IN["image"], IN["crop_boxes"][:1], [2], (2, 2))


def test_draw_bounding_boxes():
    canvas, boxes = IN["canvas"], IN["draw_boxes"]
    check("output/draw/default", tf.image.draw_bounding_boxes(canvas, boxes, None))
    check("output/draw/colors", tf.image.draw_bounding_boxes(canvas, boxes, [[1, 0, 0, 1], [0, 0.5, 1, 1]]))
    check("output/draw/gray", tf.image.draw_bounding_boxes(canvas[..., :1], boxes, [[0.3, 0, 0, 1]]))
    with pytest.raises(ValueError, match="Channel depth"):
        tf.image.draw_bounding_boxes(np.zeros((1, 4, 4, 2), np.float32), boxes[:1], None)


@pytest.mark.parametrize("fn", ["rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"])
def test_colour_spaces(fn):
    check(f"output/color/{fn}", getattr(tf.image, fn)(IN["rgb"]), exact=False, atol=2e-6)


def test_colour_spaces_keep_float64_and_round_trip():
    check("output/color/yuv_f64", tf.image.rgb_to_yuv(IN["rgb"].astype(np.float64)), exact=False, atol=1e-7)
    back = tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(IN["rgb"])).numpy()
    np.testing.assert_allclose(back, IN["rgb"], atol=5e-4)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(IN["rgb"])).numpy(), IN["rgb"], atol=1e-6)
    with pytest.raises(ValueError, match="3 channels"):
        tf.image.rgb_to_yuv(np.zeros((2, 2, 4), np.float32))


def test_ssim_multiscale():
    result = tf.image.ssim_multiscale(IN["ssim_a"], IN["ssim_b"], 255, power_factors=(0.3, 0.3, 0.4), filter_size=7)
    check("output/ssim_multiscale_pair", result, exact=False, atol=2e-5)
    same = tf.image.ssim_multiscale(IN["ssim_a"], IN["ssim_a"], 255, power_factors=(0.5, 0.5), filter_size=7)
    np.testing.assert_allclose(same.numpy(), [1.0], atol=1e-5)
