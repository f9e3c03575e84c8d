"""`RandomSharpness`: sharpen or soften each image by blending it with a smoothed copy."""
import torch
import torch.nn.functional as F

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _color

# PIL's SMOOTH filter: 1/13 around a centre of 5/13.
_SMOOTH = torch.tensor([[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]) / 13.0


class RandomSharpness(aug.AugmentationLayer):
    """Per image, draw f from `factor` and output x + (1 - 2f) * (smooth(x) - x), clipped to
    `value_range`: f = 0.5 keeps the image, 0 smooths it, 1 sharpens it. The smoothing pads with
    zeros at the border, as Keras' 'same' depthwise convolution. Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f), or a (lower, upper) pair within [0, 1].
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.value_range = aug.value_range_of(name, value_range)

    def draw(self, images):
        return self.uniform((images.shape[0],), *self.factor, images.device)

    def transform(self, images, params):  # (N, C, H, W)
        channels = images.shape[1]
        kernel = _SMOOTH.to(images.device, images.dtype).expand(channels, 1, 3, 3)
        smoothed = F.conv2d(images, kernel, padding=1, groups=channels)
        sharpness = _color.per_image(params * 2, images)
        return torch.clamp(images + (1.0 - sharpness) * (smoothed - images), *self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
