"""`Equalization`: histogram equalization, spreading the most frequent intensities apart.

Keras computes one histogram per channel over the whole batch it is given (its channel slices
keep the batch axis), so a batch is equalized together; a single image on its own.
"""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


class Equalization(aug.AugmentationLayer):
    """Equalize each channel's histogram (of `bins` bins over `value_range`); channels with a single
    occupied bin are left alone. Identity at inference (`training=False`), as in Keras.

    Args:
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        bins: number of histogram bins; 256 suits 8-bit images.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    _owns_seed_generator = False  # deterministic: Keras' layer holds no SeedGenerator

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(seed=None, data_format=data_format, **kwargs)
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an integer >= 2, received {bins!r}")
        self.bins = bins
        self.value_range = aug.value_range_of(type(self).__name__, value_range)

    def transform(self, images, params):  # (N, C, H, W)
        n, c, h, w = images.shape
        bins = self.bins
        pixels = aug.rescale(images, self.value_range, (0, 255))
        channels = pixels.transpose(0, 1).reshape(c, -1).to(torch.float32)  # (C, N*H*W)
        # bin index: truncation towards zero, as Keras' int cast
        index = torch.clamp(torch.trunc(channels * (bins - 1) / 255.0), 0, bins - 1).long()
        hist = torch.zeros(c, bins, dtype=torch.float32, device=images.device).scatter_add_(
            1, index, torch.ones_like(channels))
        cdf = torch.cumsum(hist, dim=1)
        cdf_min = torch.where(cdf > 0, cdf, torch.full_like(cdf, float("inf"))).amin(dim=1, keepdim=True)
        denominator = cdf[:, -1:] - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        table = torch.clamp(torch.round((cdf - cdf_min) * 255 / denominator), 0, 255)  # (C, bins)
        lookup = torch.clamp(channels / 255.0 * (bins - 1), 0, bins - 1).long()
        equalized = torch.gather(table, 1, lookup)
        occupied = (hist > 0).sum(dim=1, keepdim=True)
        equalized = torch.where(occupied <= 1, channels, equalized)
        equalized = equalized.reshape(c, n, h, w).transpose(0, 1).to(images.dtype)
        return aug.rescale(equalized, (0, 255), self.value_range)

    def get_config(self):
        return aug.keras_config(self, {"bins": self.bins, "value_range": self.value_range})
