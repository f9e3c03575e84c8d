"""Random rectangles for RandomErasing and CutMix: each image gets a box whose sides are given
fractions of the image's sides, placed uniformly at random inside it, as Keras draws them."""
import torch


def place(layer, side_ratio, length, device):
    """(start, end) along one axis of `length` for boxes of `side_ratio` * length, per image."""
    box = side_ratio * length
    start = layer.uniform(side_ratio.shape, 0.0, 1.0, device).to(box.dtype) * (length - box)
    return start, start + box


def mask(corners, height, width):
    """(N, 1, H, W) bools: pixel (x, y) is inside [x0, x1) x [y0, y1) of its image's box.

    `corners` is (N, 4) as (x0, x1, y0, y1), continuous positions (pixel centres at integers)."""
    rows = torch.arange(height, device=corners.device, dtype=corners.dtype).reshape(1, 1, height, 1)
    cols = torch.arange(width, device=corners.device, dtype=corners.dtype).reshape(1, 1, 1, width)
    x0, x1, y0, y1 = (corners[:, i].reshape(-1, 1, 1, 1) for i in range(4))
    return (cols >= x0) & (cols < x1) & (rows >= y0) & (rows < y1)
