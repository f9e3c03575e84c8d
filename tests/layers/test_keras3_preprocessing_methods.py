"""Keras 3's public augmentation methods (get_random_transformation, transform_images,
transform_labels, transform_segmentation_masks): outputs on fixed transformations match those
real Keras recorded (tests/fixtures/make_preprocessing_methods_reference.py), the draw's keys are
Keras', and one draw moves an image and its mask identically."""
import json
import os

import numpy as np
import pytest
import torch

from tkeras import layers

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "preprocessing_methods_reference.json")) as f:
    REFERENCE = json.load(f)
IMAGE = np.asarray(REFERENCE["image"], "float32")
MASK = np.asarray(REFERENCE["mask"], "float32")

LAYERS = {
    "flip_horizontal": lambda c: layers.RandomFlip(**c),
    "flip_vertical": lambda c: layers.RandomFlip(**c),
    "flip_horizontal_and_vertical": lambda c: layers.RandomFlip(**c),
    "rotation": lambda c: layers.RandomRotation(**c),
    "zoom": lambda c: layers.RandomZoom(**c),
    "translation": lambda c: layers.RandomTranslation(**c),
    "contrast": lambda c: layers.RandomContrast(**c),
    "brightness": lambda c: layers.RandomBrightness(**c),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_transform_images_and_masks_match_keras(name):
    case = REFERENCE["cases"][name]
    layer = LAYERS[name](case["config"])
    transformation = {k: torch.tensor(v) for k, v in case["transformation"].items()}
    images = layer.transform_images(torch.tensor(IMAGE), transformation)
    masks = layer.transform_segmentation_masks(torch.tensor(MASK), transformation)
    np.testing.assert_allclose(np.asarray(images), np.asarray(case["images"]), atol=1e-3)
    np.testing.assert_allclose(np.asarray(masks), np.asarray(case["masks"]), atol=1e-3)


@pytest.mark.parametrize("layer", [layers.RandomFlip(), layers.RandomRotation(0.1), layers.RandomZoom(0.1),
                                   layers.RandomTranslation(0.1, 0.1), layers.RandomContrast(0.1),
                                   layers.RandomBrightness(0.1)], ids=lambda l: type(l).__name__)
def test_random_transformation_has_keras_keys(layer):
    transformation = layer.get_random_transformation(torch.tensor(IMAGE))
    assert set(REFERENCE["keys"][type(layer).__name__]) <= set(transformation)
    assert layer.get_random_transformation(torch.tensor(IMAGE), training=False) is None


GEOMETRIC = [
    lambda: layers.RandomFlip(seed=1), lambda: layers.RandomRotation(0.25, interpolation="nearest", seed=2),
    lambda: layers.RandomZoom(0.3, interpolation="nearest", seed=3),
    lambda: layers.RandomTranslation(0.3, 0.3, interpolation="nearest", seed=4),
    lambda: layers.RandomShear(0.3, 0.3, interpolation="nearest", seed=5),
    lambda: layers.RandomPerspective(factor=1.0, scale=0.5, interpolation="nearest", seed=6),
    lambda: layers.RandomElasticTransform(factor=1.0, scale=0.5, interpolation="nearest", seed=7),
    lambda: layers.RandomCrop(8, 6, seed=8), lambda: layers.Resizing(6, 5, interpolation="nearest"),
    lambda: layers.CenterCrop(8, 6),
]


@pytest.mark.parametrize("make", GEOMETRIC, ids=range(len(GEOMETRIC)))
def test_one_draw_moves_image_and_mask_together(make):
    layer = make()
    labels = torch.randint(0, 4, (2, 12, 10, 1)).float()
    image = labels.repeat(1, 1, 1, 3)  # an image whose pixels are its labels
    transformation = layer.get_random_transformation({"images": image})
    moved = layer.transform_images(image, transformation)
    moved_mask = layer.transform_segmentation_masks(labels, transformation)
    assert moved.shape[:3] == moved_mask.shape[:3]
    torch.testing.assert_close(moved[..., :1], moved_mask.float())
    # the same draw twice gives the same output; a second draw may differ
    torch.testing.assert_close(layer.transform_images(image, transformation), moved)


def test_seeded_draw_is_reproducible_and_leaves_the_layer_stream():
    layer = layers.RandomRotation(0.3, seed=5)
    first = layer.get_random_transformation(torch.tensor(IMAGE), seed=11)["angle"]
    again = layer.get_random_transformation(torch.tensor(IMAGE), seed=11)["angle"]
    torch.testing.assert_close(first, again)
    reference = layers.RandomRotation(0.3, seed=5).get_random_transformation(torch.tensor(IMAGE))["angle"]
    torch.testing.assert_close(layer.get_random_transformation(torch.tensor(IMAGE))["angle"], reference)


def test_unbatched_and_inference():
    layer = layers.RandomFlip("horizontal")
    image = torch.tensor(IMAGE[0])
    flipped = layer.transform_images(image, {"flips": torch.tensor([[[True]]])})
    torch.testing.assert_close(flipped, image.flip(1))
    assert torch.equal(layer.transform_images(image, None, training=False), image)
    labels = torch.tensor([0.0, 1.0])
    assert torch.equal(layer.transform_labels(labels, None), labels)


MIXERS = [lambda: layers.MixUp(seed=1), lambda: layers.CutMix(seed=2)]


@pytest.mark.parametrize("make", MIXERS, ids=["MixUp", "CutMix"])
def test_mixers_mix_labels_and_images_with_one_draw(make):
    layer = make()
    images = torch.rand(4, 8, 8, 3)
    labels = torch.eye(4)
    transformation = layer.get_random_transformation({"images": images, "labels": labels})
    mixed = layer.transform_labels(labels, transformation)
    assert mixed.shape == (4, 4)
    torch.testing.assert_close(mixed.sum(1), torch.ones(4))
    torch.testing.assert_close(layer.transform_images(images, transformation),
                               layer.transform_images(images, transformation))


ALL = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomCrop", "RandomContrast",
       "RandomBrightness", "RandomShear", "RandomHue", "RandomSaturation", "RandomGrayscale", "Solarization",
       "AutoContrast", "MixUp", "CutMix", "RandAugment", "AugMix", "RandomColorJitter", "RandomPerspective",
       "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomInvert", "RandomPosterization",
       "RandomSharpness", "RandomColorDegeneration", "Equalization", "Resizing", "CenterCrop"]


@pytest.mark.parametrize("name", ALL)
def test_every_augmentation_layer_has_the_keras_methods(name):
    for method in ("get_random_transformation", "transform_images", "transform_labels",
                   "transform_segmentation_masks", "transform_bounding_boxes"):
        assert callable(getattr(getattr(layers, name), method))


def test_single_sample_forms_and_deterministic_layers():
    layer = layers.RandomCrop(3, 4, seed=1)
    image = torch.tensor(IMAGE)
    top_left = (torch.tensor(1), torch.tensor(2))
    torch.testing.assert_close(layer.transform_single_image(image[0], top_left), image[0, 1:4, 2:6])
    resize = layers.Resizing(2, 3)
    assert resize.get_random_transformation(image) is None
    assert resize.transform_images(image, None, training=False).shape == (2, 2, 3, 3)
