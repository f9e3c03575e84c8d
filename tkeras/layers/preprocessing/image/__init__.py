"""Image preprocessing and augmentation layers (Keras' `layers.Resizing`, `layers.RandomFlip`, ...).

One layer per module; `_image_ops` holds the layout handling, resizing, the affine resampler and
the base class of the random layers.
"""
from tkeras.layers.preprocessing.image.center_crop import CenterCrop
from tkeras.layers.preprocessing.image.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.image.random_contrast import RandomContrast
from tkeras.layers.preprocessing.image.random_crop import RandomCrop
from tkeras.layers.preprocessing.image.random_flip import RandomFlip
from tkeras.layers.preprocessing.image.random_rotation import RandomRotation
from tkeras.layers.preprocessing.image.random_translation import RandomTranslation
from tkeras.layers.preprocessing.image.random_zoom import RandomZoom
from tkeras.layers.preprocessing.image.resizing import Resizing

__all__ = ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
           "RandomTranslation", "RandomZoom", "Resizing"]
