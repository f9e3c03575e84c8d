"""The operations RandAugment and AugMix choose from, built with one shared factor as Keras 3.15.1
builds them (its layer classes, its argument mapping: the posterization bits come from 8 * upper)."""

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _image_ops as image_ops
from tkeras.layers.preprocessing.image.auto_contrast import AutoContrast
from tkeras.layers.preprocessing.image.equalization import Equalization
from tkeras.layers.preprocessing.image.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.image.random_color_degeneration import RandomColorDegeneration
from tkeras.layers.preprocessing.image.random_contrast import RandomContrast
from tkeras.layers.preprocessing.image.random_posterization import RandomPosterization
from tkeras.layers.preprocessing.image.random_rotation import RandomRotation
from tkeras.layers.preprocessing.image.random_sharpness import RandomSharpness
from tkeras.layers.preprocessing.image.random_shear import RandomShear
from tkeras.layers.preprocessing.image.random_translation import RandomTranslation
from tkeras.layers.preprocessing.image.solarization import Solarization


def build(name, factor, value_range, interpolation, seed, dtype):
    """One operation layer by Keras' attribute name (`random_shear`, `solarization`, ...)."""
    extra = {"dtype": dtype} if dtype is not None else {}
    factor = list(factor)
    if name == "random_shear":
        return RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, seed=seed, **extra)
    if name == "random_translation":
        return RandomTranslation(height_factor=factor, width_factor=factor, interpolation=interpolation, seed=seed,
                                 **extra)
    if name == "random_rotation":
        return RandomRotation(factor=factor, interpolation=interpolation, seed=seed, **extra)
    if name == "solarization":
        return Solarization(addition_factor=factor, threshold_factor=factor, value_range=value_range, seed=seed,
                            **extra)
    if name == "random_posterization":
        return RandomPosterization(factor=max(1, int(8 * factor[1])), value_range=value_range, seed=seed, **extra)
    if name == "auto_contrast":
        return AutoContrast(value_range=value_range, **extra)
    if name == "equalization":
        return Equalization(value_range=value_range, **extra)
    colour = {"random_brightness": RandomBrightness, "random_color_degeneration": RandomColorDegeneration,
              "random_contrast": RandomContrast, "random_sharpness": RandomSharpness}[name]
    return colour(factor=factor, value_range=value_range, seed=seed, **extra)


# -- one interface over both families of operation layers ------------------------------------------
# RandAugment and AugMix draw every pick's parameters before applying any, so that segmentation
# masks can follow the same geometry. The newer layers split draw/transform themselves; the older
# affine ones expose their per-image maps; the older colour ones (brightness, contrast) draw as they
# apply, which is harmless: masks do not change colour.
def draw(layer, images):
    if isinstance(layer, (aug.AugmentationLayer, image_ops.AffineImageLayer)):
        return layer.draw(images)  # the affine layers' dicts also say how to move bounding boxes
    return None


def apply(layer, images, params):
    if isinstance(layer, (aug.AugmentationLayer, image_ops.AffineImageLayer)):
        return layer.transform(images, params)
    return layer.augment(images)


def apply_to_masks(layer, masks, params):
    if isinstance(layer, (aug.AugmentationLayer, image_ops.AffineImageLayer)):
        return layer.transform_masks(masks, params)
    return masks
