"""Keras 3's image augmentation layers expose their SeedGenerator as `layer.generator` (AutoContrast
and Equalization draw nothing and have none), and CutMix/MixUp move its counter by Keras' counts
(their beta draw takes one seed); recorded by tests/fixtures/make_kio_augmentation_generator_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_augmentation_generator_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)["layers"]

L = keras.layers
LAYERS = {
    "RandomFlip": lambda: L.RandomFlip(seed=7), "RandomRotation": lambda: L.RandomRotation(0.2, seed=7),
    "RandomTranslation": lambda: L.RandomTranslation(0.2, 0.2, seed=7), "RandomZoom": lambda: L.RandomZoom(0.2),
    "RandomContrast": lambda: L.RandomContrast(0.2), "RandomBrightness": lambda: L.RandomBrightness(0.2),
    "RandomCrop": lambda: L.RandomCrop(4, 4), "RandomShear": lambda: L.RandomShear(0.2, 0.2),
    "RandomGrayscale": lambda: L.RandomGrayscale(), "RandomHue": lambda: L.RandomHue(0.2),
    "RandomSaturation": lambda: L.RandomSaturation(0.2), "RandomSharpness": lambda: L.RandomSharpness(0.2),
    "RandomPosterization": lambda: L.RandomPosterization(4), "RandomInvert": lambda: L.RandomInvert(),
    "RandomErasing": lambda: L.RandomErasing(), "RandomGaussianBlur": lambda: L.RandomGaussianBlur(),
    "RandomPerspective": lambda: L.RandomPerspective(),
    "RandomColorDegeneration": lambda: L.RandomColorDegeneration(0.2),
    "Solarization": lambda: L.Solarization(0.2), "CutMix": lambda: L.CutMix(seed=7), "MixUp": lambda: L.MixUp(seed=7),
    "RandomColorJitter": lambda: L.RandomColorJitter(brightness_factor=0.2, seed=7),
    "RandAugment": lambda: L.RandAugment(), "AugMix": lambda: L.AugMix(),
    "AutoContrast": lambda: L.AutoContrast(), "Equalization": lambda: L.Equalization(),
}
IMAGES = np.random.RandomState(0).rand(2, 8, 8, 3).astype("float32") * 255


@pytest.mark.parametrize("name", list(LAYERS))
def test_generator_attribute_is_the_layers_seed_generator(name):
    layer = LAYERS[name]()
    generator = getattr(layer, "generator", None)
    if REFERENCE[name]["generator"] is None:
        assert generator is None
        return
    assert type(generator).__name__ == REFERENCE[name]["generator"]
    assert any(v is generator.state for v in layer.non_trainable_variables)


@pytest.mark.parametrize("name", ["CutMix", "MixUp"])
def test_mixing_layers_move_the_counter_as_keras(name):
    layer = LAYERS[name]()
    first = np.asarray(layer(IMAGES, training=True))
    assert layer.generator.state.numpy().tolist() == REFERENCE[name]["state_after_1_call"]
    layer.generator.state.assign([7, 0])
    np.testing.assert_array_equal(np.asarray(layer(IMAGES, training=True)), first)


def test_aug_mix_still_draws_reproducibly_with_a_seed():
    a, b = L.AugMix(seed=3), L.AugMix(seed=3)
    np.testing.assert_array_equal(np.asarray(a(IMAGES, training=True)), np.asarray(b(IMAGES, training=True)))
