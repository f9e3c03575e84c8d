"""`RandomGaussianBlur`: blur some images with a Gaussian of random width, as an out-of-focus
camera would."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.ops import image_filters


def _kernel_size(size):
    sizes = size if isinstance(size, (list, tuple)) else (size, size)
    if (len(sizes) != 2 or not all(isinstance(s, numbers.Real) and not isinstance(s, bool) for s in sizes)
            or any(s % 2 == 0 or s < 1 for s in sizes)):
        raise ValueError(f"RandomGaussianBlur: `kernel_size` must be an odd positive number or a pair of them, "
                         f"received {size!r}")
    return tuple(sizes)


class RandomGaussianBlur(aug.AugmentationLayer):
    """Per image, draw a probability from `factor` and blur the image when a uniform draw falls
    below it (a number f blurs f / 2 of the images); one pair of sigmas, drawn from `sigma`, serves
    the whole batch, as in Keras. Borders are zero-padded; the result is clipped to `value_range`.
    Identity at inference.

    Args:
        factor: f in [0, 1] for (0, f), or a (lower, upper) pair within [0, 1].
        kernel_size: an odd size, or (size along width, size along height).
        sigma: s in [0, 1] for sigmas in (0, s), or a (lower, upper) pair within [0, 1].
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.kernel_size = _kernel_size(kernel_size)
        self.sigma = aug.keras_factor(name, "sigma", sigma, (0, 1))
        self.value_range = aug.value_range_of(name, value_range, sort=False)

    def draw(self, images):
        # The sigmas are read on the host (they size nothing, but the blur op takes numbers).
        sigmas = (self.uniform((2,), *self.sigma, device="cpu") + 1e-6).tolist()
        return {"apply": self.coin(images.shape[0], self.factor, images.device), "sigma": sigmas}

    def transform(self, images, params):  # (N, C, H, W)
        blurred = image_filters.gaussian_blur(images, kernel_size=self.kernel_size, sigma=params["sigma"],
                                              data_format="channels_first")
        images = torch.where(params["apply"].reshape(-1, 1, 1, 1), blurred, images)
        return torch.clamp(images, *self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                                       "value_range": self.value_range, "seed": self.seed})
