"""Image preprocessing and augmentation layers (Keras' `layers.Resizing`, `layers.RandomFlip`, ...).

One layer per module; `_image_ops` holds the layout handling, resizing, the affine resampler and
the base class of the random layers; `_augmentation` the base of Keras 3's newer augmentation
layers (factor and value-range rules, dict inputs with labels), `_color` their colour maths.
"""
from tkeras.layers.preprocessing.image.aug_mix import AugMix
from tkeras.layers.preprocessing.image.auto_contrast import AutoContrast
from tkeras.layers.preprocessing.image.center_crop import CenterCrop
from tkeras.layers.preprocessing.image.clahe import ContrastLimitedAdaptiveHistogramEqualization
from tkeras.layers.preprocessing.image.cut_mix import CutMix
from tkeras.layers.preprocessing.image.equalization import Equalization
from tkeras.layers.preprocessing.image.mix_up import MixUp
from tkeras.layers.preprocessing.image.rand_augment import RandAugment
from tkeras.layers.preprocessing.image.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.image.random_color_degeneration import RandomColorDegeneration
from tkeras.layers.preprocessing.image.random_color_jitter import RandomColorJitter
from tkeras.layers.preprocessing.image.random_contrast import RandomContrast
from tkeras.layers.preprocessing.image.random_crop import RandomCrop
from tkeras.layers.preprocessing.image.random_elastic_transform import RandomElasticTransform
from tkeras.layers.preprocessing.image.random_erasing import RandomErasing
from tkeras.layers.preprocessing.image.random_flip import RandomFlip
from tkeras.layers.preprocessing.image.random_gaussian_blur import RandomGaussianBlur
from tkeras.layers.preprocessing.image.random_grayscale import RandomGrayscale
from tkeras.layers.preprocessing.image.random_height import RandomHeight
from tkeras.layers.preprocessing.image.random_hue import RandomHue
from tkeras.layers.preprocessing.image.random_invert import RandomInvert
from tkeras.layers.preprocessing.image.random_perspective import RandomPerspective
from tkeras.layers.preprocessing.image.random_posterization import RandomPosterization
from tkeras.layers.preprocessing.image.random_rotation import RandomRotation
from tkeras.layers.preprocessing.image.random_saturation import RandomSaturation
from tkeras.layers.preprocessing.image.random_sharpness import RandomSharpness
from tkeras.layers.preprocessing.image.random_shear import RandomShear
from tkeras.layers.preprocessing.image.random_translation import RandomTranslation
from tkeras.layers.preprocessing.image.random_width import RandomWidth
from tkeras.layers.preprocessing.image.random_zoom import RandomZoom
from tkeras.layers.preprocessing.image.resizing import Resizing
from tkeras.layers.preprocessing.image.solarization import Solarization

__all__ = ["AugMix", "AutoContrast", "CenterCrop", "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
           "Equalization", "MixUp", "RandAugment", "RandomBrightness", "RandomColorDegeneration",
           "RandomColorJitter", "RandomContrast", "RandomCrop", "RandomElasticTransform", "RandomErasing",
           "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHeight", "RandomHue", "RandomInvert",
           "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
           "RandomSharpness", "RandomShear", "RandomTranslation", "RandomWidth", "RandomZoom", "Resizing",
           "Solarization"]
