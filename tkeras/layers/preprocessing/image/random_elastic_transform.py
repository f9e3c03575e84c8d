"""`RandomElasticTransform`: bend each image with a smooth random displacement field, like the
distortions of handwriting (Simard et al., 2003)."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.ops import image_sampling

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(aug.AugmentationLayer):
    """Per image, draw a probability from `factor` and, when a uniform draw falls below it, displace
    its pixels by uniform noise smoothed with a Gaussian; per batch, a distortion d drawn from
    `scale` sets the displacement's size (0.1 * d * the longer side) and smoothness (a sigma of
    0.05 * d * the shorter side). Output clipped to `value_range`. Identity at inference, and when
    `factor` or `scale` is 0.

    Args:
        factor: f in [0, 1] for (0, f) (so f / 2 of the images on average), or (lower, upper).
        scale: s in [0, 1] for d in (0, s), or (lower, upper).
        interpolation: 'bilinear' (default) or 'nearest'.
        fill_mode: 'reflect' (default), 'mirror', 'wrap', 'nearest' or 'constant' (`fill_value`).
        fill_value: the value of pixels from outside the image under 'constant'.
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    boxes_unchanged = False  # pixels move in ways tkeras does not follow with boxes (see move_boxes)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.scale = aug.keras_factor(name, "scale", scale, (0, 1))
        self.interpolation = aug.check_interpolation(name, interpolation)
        self.fill_mode = ops.check_choice(name, "fill_mode", fill_mode, _FILL_MODES)
        self.fill_value = fill_value
        self.value_range = aug.value_range_of(name, value_range, sort=False)

    def draw(self, images):
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        # The distortion sizes the smoothing kernel, so it is read on the host (a CPU draw).
        distortion = float(self.uniform((), *self.scale, device="cpu"))
        return {"apply": self.coin(images.shape[0], self.factor, images.device), "distortion": distortion,
                "seed": self.sub_seed()}

    def get_elastic_transform_params(self, height, width, factor):
        """(alpha, sigma) of the displacement field for a height x width image at distortion `factor`:
        the displacement's size, 0.1 * factor * the longer side, and its Gaussian smoothing, 0.05 *
        factor * the shorter side."""
        return max(height, width) * (0.1 * factor), min(height, width) * (0.05 * factor)

    def transform(self, images, params):
        if params is None:
            return images
        height, width = images.shape[2:]
        alpha, sigma = self.get_elastic_transform_params(height, width, params["distortion"])
        warped = image_sampling.elastic_transform(images, alpha=alpha, sigma=sigma, interpolation=self.interpolation,
                                                  fill_mode=self.fill_mode, fill_value=self.fill_value,
                                                  seed=params["seed"], data_format="channels_first")
        images = torch.where(params["apply"].reshape(-1, 1, 1, 1), torch.as_tensor(warped), images)
        return torch.clamp(images, *sorted(self.value_range))

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                                       "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                                       "value_range": self.value_range, "seed": self.seed})
