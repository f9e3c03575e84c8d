"""Bounding boxes through the image preprocessing layers, against real Keras 3.15.1.

tests/fixtures/bounding_box_augmentation_reference.json holds, per case, the transformation handed to
Keras' `transform_bounding_boxes` (or the dict passed to a deterministic layer) and the boxes Keras
returned (see tests/fixtures/make_bounding_box_augmentation_reference.py). Beyond that: boxes move
with the pixels in a real call, inference leaves them alone, colour layers pass them through, and
the errors and configs.
"""
import json
import os

import numpy as np
import pytest
import torch

from tkeras import layers

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "bounding_box_augmentation_reference.json")) as f:
    REFERENCE = json.load(f)
CASES = REFERENCE["cases"]


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _transformation(case):
    params = case["transformation"]
    if isinstance(params, list):  # RandomCrop's (top, left)
        return tuple(torch.tensor(v) for v in params)
    return {key: (torch.tensor(value) if isinstance(value, list) and key != "input_shape" else value)
            for key, value in params.items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_boxes_match_keras(case):
    layer = getattr(layers, case["layer"])(bounding_box_format=case["format"], **case["kwargs"])
    boxes = {"boxes": torch.tensor(case["boxes"]), "labels": torch.tensor(case["labels"])}
    if case["transformation"] is None:
        images = torch.zeros(case["shape"])
        out = layer({"images": images, "bounding_boxes": boxes})["bounding_boxes"]
    else:
        out = layer.transform_bounding_boxes(boxes, _transformation(case), training=True)
    np.testing.assert_allclose(_np(out["boxes"]), np.asarray(case["out_boxes"]), rtol=0, atol=1e-3)
    np.testing.assert_array_equal(_np(out["labels"]), np.asarray(case["out_labels"]))


def _marked(height, width, box):
    """A one-channel image that is 1 inside the xyxy `box` (whole pixels) and 0 elsewhere."""
    image = torch.zeros(1, height, width, 1)
    x1, y1, x2, y2 = (int(v) for v in box)
    image[0, y1:y2, x1:x2, 0] = 1.0
    return image


def _inside(image, box, tolerance=1.0):
    """Whether every clearly marked pixel (> 0.5) of `image` lies within `box` (give or take)."""
    ys, xs = np.nonzero(_np(image)[0, :, :, 0] > 0.5)
    assert len(xs) > 0
    x1, y1, x2, y2 = _np(box)
    return bool((xs >= x1 - tolerance).all() and (xs + 1 <= x2 + tolerance).all()
                and (ys >= y1 - tolerance).all() and (ys + 1 <= y2 + tolerance).all())


MOVERS = [
    lambda: layers.RandomFlip("horizontal_and_vertical", seed=3, bounding_box_format="xyxy"),
    lambda: layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=4, bounding_box_format="xyxy"),
    lambda: layers.RandomRotation((0.25, 0.25), fill_mode="constant", seed=5, bounding_box_format="xyxy"),
    lambda: layers.RandomZoom((-0.3, -0.3), fill_mode="constant", seed=6, bounding_box_format="xyxy"),
    lambda: layers.RandomShear(x_factor=(0.2, 0.2), fill_mode="constant", seed=7, bounding_box_format="xyxy"),
    lambda: layers.RandomPerspective(factor=(1.0, 1.0), scale=0.3, seed=8, bounding_box_format="xyxy"),
    lambda: layers.RandomCrop(12, 14, seed=9, bounding_box_format="xyxy"),
    lambda: layers.CenterCrop(12, 14, bounding_box_format="xyxy"),
    lambda: layers.Resizing(9, 30, bounding_box_format="xyxy"),
]


@pytest.mark.parametrize("make", MOVERS, ids=lambda m: type(m()).__name__)
def test_boxes_follow_the_marked_pixels(make):
    box = [7.0, 5.0, 12.0, 10.0]
    for trial in range(4):
        layer = make()
        if getattr(layer, "seed", None) is not None:
            layer.seed, layer._generators = layer.seed + trial, {}
        out = layer({"images": _marked(16, 20, box),
                     "bounding_boxes": {"boxes": torch.tensor([[box]]), "labels": torch.tensor([[1]])}},
                    training=True)
        moved = out["bounding_boxes"]["boxes"][0, 0]
        assert _inside(out["images"], moved), (trial, _np(moved))
        # the box is tight: no wider than the marked region plus a couple of pixels of resampling
        ys, xs = np.nonzero(_np(out["images"])[0, :, :, 0] > 0.5)
        assert moved[2] - moved[0] <= xs.max() + 1 - xs.min() + 3


def test_unbatched_dict_and_single_box_forms():
    layer = layers.RandomFlip("horizontal", seed=0, bounding_box_format="xyxy")
    transformation = {"flips": torch.tensor([True]).reshape(1, 1, 1, 1), "input_shape": (1, 10, 20, 3)}
    single = layer.transform_single_bounding_box({"boxes": torch.tensor([[2.0, 1.0, 5.0, 4.0]]),
                                                  "labels": torch.tensor([7])}, transformation)
    np.testing.assert_allclose(_np(single["boxes"]), [[15.0, 1.0, 18.0, 4.0]])
    out = layers.CenterCrop(4, 6, bounding_box_format="xyxy")(
        {"images": torch.zeros(8, 10, 3), "bounding_boxes": {"boxes": [[2.0, 2.0, 6.0, 6.0]], "labels": [3]}})
    assert tuple(out["images"].shape) == (4, 6, 3)
    np.testing.assert_allclose(_np(out["bounding_boxes"]["boxes"]), [[0.0, 0.0, 4.0, 4.0]])
    np.testing.assert_array_equal(_np(out["bounding_boxes"]["labels"]), [3])


def test_boxes_that_leave_the_image_lose_their_label():
    layer = layers.RandomTranslation((0.5, 0.5), (0.0, 0.0), bounding_box_format="xyxy")
    out = layer({"images": torch.zeros(1, 10, 10, 1),
                 "bounding_boxes": {"boxes": torch.tensor([[[1.0, 1.0, 3.0, 3.0], [1.0, 6.0, 3.0, 9.0]]]),
                                    "labels": torch.tensor([[4, 5]])}}, training=True)
    np.testing.assert_allclose(_np(out["bounding_boxes"]["boxes"]), [[[1.0, 6.0, 3.0, 8.0], [1.0, 10.0, 3.0, 10.0]]])
    np.testing.assert_array_equal(_np(out["bounding_boxes"]["labels"]), [[4, -1]])


INFERENCE_IDENTITY = [layers.RandomFlip(bounding_box_format="xyxy"),
                      layers.RandomRotation(0.3, bounding_box_format="xyxy"),
                      layers.RandomTranslation(0.3, 0.3, bounding_box_format="xyxy"),
                      layers.RandomZoom(0.3, bounding_box_format="xyxy"),
                      layers.RandomShear(0.3, 0.3, bounding_box_format="xyxy"),
                      layers.RandomPerspective(bounding_box_format="xyxy")]
COLOUR = [layers.RandomBrightness(0.3, bounding_box_format="xyxy"),
          layers.RandomContrast(0.3, bounding_box_format="xyxy"),
          layers.RandomHue(0.3, value_range=(0, 1), bounding_box_format="xyxy"),
          layers.Solarization(0.5, bounding_box_format="xyxy"),
          layers.RandomGrayscale(1.0, bounding_box_format="xyxy"),
          layers.RandomErasing(bounding_box_format="xyxy"), layers.AugMix(bounding_box_format="xyxy")]
BOXES = {"boxes": torch.tensor([[[1.0, 2.0, 5.0, 7.0]], [[0.0, 0.0, 3.0, 3.0]]]), "labels": torch.tensor([[1], [2]])}


@pytest.mark.parametrize("layer", INFERENCE_IDENTITY, ids=lambda layer: type(layer).__name__)
def test_inference_leaves_boxes_alone(layer):
    out = layer({"images": torch.rand(2, 8, 8, 3), "bounding_boxes": dict(BOXES)}, training=False)
    torch.testing.assert_close(out["bounding_boxes"]["boxes"], BOXES["boxes"])
    torch.testing.assert_close(layer.transform_bounding_boxes(dict(BOXES), None, training=False)["boxes"],
                               BOXES["boxes"])


@pytest.mark.parametrize("layer", COLOUR, ids=lambda layer: type(layer).__name__)
def test_colour_layers_pass_boxes_through(layer):
    out = layer({"images": torch.rand(2, 8, 8, 3), "bounding_boxes": dict(BOXES)}, training=True)
    torch.testing.assert_close(out["bounding_boxes"]["boxes"], BOXES["boxes"])
    torch.testing.assert_close(out["bounding_boxes"]["labels"], BOXES["labels"])


def test_random_crop_inference_boxes_follow_the_resize():
    layer = layers.RandomCrop(4, 4, bounding_box_format="xyxy")
    out = layer({"images": torch.rand(1, 8, 16, 1),
                 "bounding_boxes": {"boxes": torch.tensor([[[4.0, 0.0, 12.0, 8.0]]]), "labels": torch.tensor([[1]])}},
                training=False)
    assert tuple(out["images"].shape) == (1, 4, 4, 1)
    np.testing.assert_allclose(_np(out["bounding_boxes"]["boxes"]), [[[0.0, 0.0, 4.0, 4.0]]])


@pytest.mark.parametrize("layer", [layers.RandomFlip(), layers.RandomZoom(0.2), layers.RandomShear(0.2),
                                   layers.CenterCrop(4, 4), layers.Resizing(4, 4), layers.RandomInvert()],
                         ids=lambda layer: type(layer).__name__)
def test_boxes_without_a_format_are_refused(layer):
    with pytest.raises(ValueError, match=f"{type(layer).__name__}: .*`bounding_box_format`"):
        layer({"images": torch.rand(2, 8, 8, 3), "bounding_boxes": dict(BOXES)})


def test_other_errors():
    with pytest.raises(ValueError, match="RandomFlip: `bounding_box_format` must be one of"):
        layers.RandomFlip(bounding_box_format="xyz")
    with pytest.raises(ValueError, match="RandomFlip: 'bounding_boxes' must be a dict with 'boxes' and 'labels'"):
        layers.RandomFlip(bounding_box_format="xyxy")({"images": torch.rand(2, 8, 8, 3),
                                                       "bounding_boxes": {"boxes": BOXES["boxes"]}})
    for layer in (layers.CutMix(bounding_box_format="xyxy"), layers.RandomElasticTransform(bounding_box_format="xyxy")):
        with pytest.raises(NotImplementedError, match=f"{type(layer).__name__} cannot move bounding boxes"):
            layer({"images": torch.rand(2, 8, 8, 3), "bounding_boxes": dict(BOXES)}, training=True)


@pytest.mark.parametrize("layer", [layers.RandomFlip(bounding_box_format="rel_xyxy"),
                                   layers.RandomRotation(0.1, bounding_box_format="rel_xyxy"),
                                   layers.Resizing(4, 4, bounding_box_format="rel_xyxy"),
                                   layers.CenterCrop(4, 4, bounding_box_format="rel_xyxy"),
                                   layers.RandomShear(0.1, bounding_box_format="rel_xyxy"),
                                   layers.RandomCrop(4, 4, bounding_box_format="rel_xyxy")],
                         ids=lambda layer: type(layer).__name__)
def test_config_carries_the_format(layer):
    config = layer.get_config()
    assert config["bounding_box_format"] == "rel_xyxy"
    assert type(layer).from_config(config).bounding_box_format == "rel_xyxy"
    assert "bounding_box_format" not in type(layer)(**{k: v for k, v in config.items()
                                                       if k != "bounding_box_format"}).get_config()
    assert REFERENCE["configs"] == {"RandomFlip": "xyxy", "Resizing": "xyxy"}
