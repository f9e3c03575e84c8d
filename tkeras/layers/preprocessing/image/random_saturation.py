"""`RandomSaturation`: make each image's colours more or less vivid by a random amount."""
from tkeras.backend import config
from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color


class RandomSaturation(aug.AugmentationLayer):
    """Per image, draw f from `factor` and multiply the HSV saturation by f / (1 - f): f = 0.5 keeps
    the image, 0 makes it grey, values near 1 saturate it fully. Identity at inference.

    As in Keras 3.15.1 the new saturation is clipped to `value_range`, not to [0, 1]; with (0, 255)
    a multiplier above 1 can push pixels below 0, so follow the layer with a clip if that matters.

    Args:
        factor: f in [0, 1] for (-f, f) (as Keras; negative draws act as 0 would), or a
            (lower, upper) pair within [-1, 1], e.g. (0.5, 0.5) for no change.
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (-1, 1))
        self.value_range = aug.value_range_of(name, value_range)

    def draw(self, images):
        f = self.uniform((images.shape[0],), *self.factor, images.device)
        return f / (1 - f + config.epsilon())

    def transform(self, images, params):
        return _color.saturation(images, params, self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
