"""`ContrastLimitedAdaptiveHistogramEqualization` (CLAHE): equalize each tile of the image with a
histogram whose peaks are clipped, then blend neighbouring tiles' mappings bilinearly.

Local equalization brings out detail in both dark and bright regions where one global histogram
cannot; the clip limit keeps it from amplifying noise in flat regions. Deterministic, so Keras
applies it at inference too.
"""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


def _mirror_indices(size, padded, device):
    """Indices of a length-`padded` axis extended past `size` by mirroring with the edge repeated
    (NumPy's 'symmetric': ... c b a | a b c ... )."""
    index = torch.arange(padded, device=device) % (2 * size)
    return torch.where(index >= size, 2 * size - 1 - index, index)


class ContrastLimitedAdaptiveHistogramEqualization(aug.AugmentationLayer):
    """Contrast-limited adaptive histogram equalization per channel, over 256 levels of `value_range`.

    Args:
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        clip_limit: histogram counts above `clip_limit` times the mean count per level are cut and
            spread evenly over all levels; 0 turns the limit off (plain adaptive equalization).
        tile_grid_size: (rows, columns) of tiles; the image is padded by mirroring to a multiple.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    _owns_seed_generator = False  # deterministic: Keras' layer holds no SeedGenerator

    applies_at_inference = True

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(seed=None, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.value_range = aug.value_range_of(name, value_range, sort=False)
        if not isinstance(clip_limit, numbers.Real) or isinstance(clip_limit, bool) or clip_limit < 0:
            raise ValueError(f"{name}: `clip_limit` must be a number >= 0, received {clip_limit!r}")
        if (not isinstance(tile_grid_size, (list, tuple)) or len(tile_grid_size) != 2
                or not all(isinstance(t, int) and not isinstance(t, bool) and t > 0 for t in tile_grid_size)):
            raise ValueError(f"{name}: `tile_grid_size` must be two positive integers (rows, columns), received "
                             f"{tile_grid_size!r}")
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def transform(self, images, params):  # (N, C, H, W)
        pixels = aug.rescale(images.to(torch.float32), self.value_range, (0, 255))
        result = self._equalize(pixels)
        return aug.rescale(result, (0, 255), self.value_range).to(images.dtype)

    def _equalize(self, pixels):
        n, c, height, width = pixels.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        padded_h, padded_w = tile_h * grid_h, tile_w * grid_w
        device = pixels.device
        padded = pixels[:, :, _mirror_indices(height, padded_h, device)][:, :, :, _mirror_indices(width, padded_w, device)]
        levels = torch.clamp(torch.trunc(padded), 0, 255).long()  # (N, C, Hp, Wp)

        # One 256-level histogram per (image, channel, tile row, tile column).
        tiles = levels.reshape(n, c, grid_h, tile_h, grid_w, tile_w).permute(0, 1, 2, 4, 3, 5)
        tiles = tiles.reshape(-1, tile_h * tile_w)
        hists = torch.zeros(tiles.shape[0], 256, dtype=torch.float32, device=device)
        hists.scatter_add_(1, tiles, torch.ones_like(tiles, dtype=torch.float32))
        if self.clip_limit > 0:
            limit = self.clip_limit * (tile_h * tile_w) / 256.0
            clipped = torch.clamp(hists, max=limit)
            hists = clipped + (hists - clipped).sum(dim=1, keepdim=True) / 256.0
        cdf = torch.cumsum(hists, dim=1)
        cdf_min = cdf.amin(dim=1, keepdim=True)
        denominator = tile_h * tile_w - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        mappings = torch.clamp((cdf - cdf_min) * 255.0 / denominator, 0, 255)
        mappings = mappings.reshape(n, c, grid_h, grid_w, 256)
        # A border of repeated edge tiles, so every pixel has four neighbouring tile centres.
        mappings = torch.cat([mappings[:, :, :1], mappings, mappings[:, :, -1:]], dim=2)
        mappings = torch.cat([mappings[:, :, :, :1], mappings, mappings[:, :, :, -1:]], dim=3)

        def axis(size, tile, grid):
            position = (torch.arange(size, dtype=torch.float32, device=device) - tile / 2.0) / tile + 1.0
            first = torch.floor(position)
            weight = position - first
            return torch.clamp(first, 0, grid + 1).long(), torch.clamp(first + 1, 0, grid + 1).long(), weight

        y0, y1, wy = axis(padded_h, tile_h, grid_h)
        x0, x1, wx = axis(padded_w, tile_w, grid_w)
        batch = torch.arange(n, device=device)[:, None, None, None]
        channel = torch.arange(c, device=device)[None, :, None, None]

        def read(rows, cols):
            return mappings[batch, channel, rows[None, None, :, None], cols[None, None, None, :], levels]

        wx, wy = wx[None, None, None, :], wy[None, None, :, None]
        top = read(y0, x0) * (1 - wx) + read(y0, x1) * wx
        bottom = read(y1, x0) * (1 - wx) + read(y1, x1) * wx
        return (top * (1 - wy) + bottom * wy)[:, :, :height, :width]

    def get_config(self):
        return aug.keras_config(self, {"value_range": self.value_range, "clip_limit": self.clip_limit,
                                       "tile_grid_size": self.tile_grid_size})
