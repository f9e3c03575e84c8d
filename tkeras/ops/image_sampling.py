"""Resampling ops of `keras.ops.image`: `map_coordinates`, `affine_transform`, `perspective_transform`
and `elastic_transform`, with Keras' fill modes and interpolation orders.

Everything reads pixels the way `scipy.ndimage.map_coordinates` does (pixel centres at integer
coordinates): order 0 takes the nearest pixel (halves rounded away from zero), order 1 blends the
2**rank neighbours. Out-of-range neighbours are folded back into the image by the fill mode, or, for
'constant', replaced by the fill value. The gathers are `torch.take` on flat indices, on the input's
device.
"""
import itertools

import torch

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op
from tkeras.ops.tensor_updates import saturate_cast

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = {"nearest": 0, "bilinear": 1}


def _mirror(index, size):
    """d c b | a b c d | c b a: reflection about the edge pixels' centres."""
    if size == 1:
        return torch.zeros_like(index)
    period = size - 1
    return torch.abs(torch.remainder(index + period, 2 * period) - period)


def _fold(index, size, fill_mode):
    if fill_mode == "nearest":
        return torch.clamp(index, 0, size - 1)
    if fill_mode == "wrap":
        return torch.remainder(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    if fill_mode == "reflect":  # d c b a | a b c d | d c b a: reflection about the image's edges
        return torch.div(_mirror(2 * index + 1, 2 * size + 1) - 1, 2, rounding_mode="floor")
    return index


def _nodes(coordinate, order):
    """[(integer index, weight)] of the pixels that one coordinate reads."""
    if order == 0:
        rounded = torch.sign(coordinate) * torch.floor(torch.abs(coordinate) + 0.5)
        return [(rounded.long(), None)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    return [(lower.long(), 1 - upper_weight), (lower.long() + 1, upper_weight)]


def _check(op, order, fill_mode):
    if order not in (0, 1):
        raise ValueError(f"{op}: interpolation order must be 0 (nearest) or 1 (linear), received {order!r}")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"{op}: argument 'fill_mode' must be one of {FILL_MODES}, received {fill_mode!r}")


def _resample(values, sizes, coordinates, order, fill_mode, fill_value, leading=None):
    """Sample `values` (flat, the pixels of `sizes` in row-major order, then a trailing channel axis
    of `channels` or none) at `coordinates` (one tensor per spatial dim). `leading` is a flat offset
    added to every index (the start of each image in a batch)."""
    per_axis = [_nodes(c, order) for c in coordinates]
    strides = [1] * len(sizes)
    for d in range(len(sizes) - 2, -1, -1):
        strides[d] = strides[d + 1] * sizes[d + 1]
    result = None
    for corner in itertools.product(*per_axis):
        flat, weight, valid = 0, None, None
        for d, (index, w) in enumerate(corner):
            fixed = _fold(index, sizes[d], fill_mode)
            if fill_mode == "constant":
                inside = (index >= 0) & (index < sizes[d])
                valid = inside if valid is None else valid & inside
                fixed = torch.clamp(fixed, 0, sizes[d] - 1)
            flat = flat + fixed * strides[d]
            weight = w if weight is None else weight * w
        if leading is not None:
            flat = flat + leading
        picked = values[flat]
        if valid is not None:
            fill = torch.as_tensor(fill_value, dtype=values.dtype, device=values.device)
            picked = torch.where(valid.reshape(valid.shape + (1,) * (picked.dim() - valid.dim())), picked, fill)
        if weight is not None:
            picked = picked * weight.reshape(weight.shape + (1,) * (picked.dim() - weight.dim())).to(picked.dtype)
        result = picked if result is None else result + picked
    return result


@user_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """`inputs` read at `coordinates` (rank of inputs, *output shape) -> a tensor of the output shape."""
    x = tensor(inputs)
    _check("map_coordinates", order, fill_mode)
    coordinates = [tensor(c).to(torch.float64 if x.dtype == torch.float64 else torch.float32) for c in coordinates]
    if len(coordinates) != x.dim():
        raise ValueError(f"map_coordinates: 'coordinates' must hold one array per input dimension ({x.dim()}), "
                         f"received {len(coordinates)}")
    values = x.reshape(-1) if x.is_floating_point() else x.reshape(-1).to(torch.float32)
    result = _resample(values, list(x.shape), coordinates, int(order), fill_mode, fill_value)
    return result if x.is_floating_point() else torch.round(result).to(x.dtype) if order else result.to(x.dtype)


def _images_nhwc(op, images, data_format):
    x = tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError(f"{op}: 'images' must be 3-D (one image) or 4-D (a batch), received shape "
                         f"{tuple(x.shape)}")
    single = x.dim() == 3
    x = x[None] if single else x
    channels_first = (data_format or config.image_data_format()) == "channels_first"
    if channels_first:
        x = x.permute(0, 2, 3, 1)
    dtype = x.dtype
    if not x.is_floating_point():
        x = x.to(torch.get_default_dtype())

    def restore(out):
        out = out.permute(0, 3, 1, 2) if channels_first else out
        if not dtype.is_floating_point:  # integer images come back rounded (halves away from zero), as in Keras
            out = _saturate_cast(torch.sign(out) * torch.floor(torch.abs(out) + 0.5), dtype)
        return out[0] if single else out
    return x, restore


_saturate_cast = saturate_cast.__wrapped__  # inside ops: the torch tensor, not the user-facing one


def _warp(op, images, source_x, source_y, order, fill_mode, fill_value):
    """(N, H, W, C) images read at per-image source positions (N, H, W)."""
    n, h, w, c = images.shape
    leading = (torch.arange(n, device=images.device) * (h * w)).reshape(n, 1, 1)
    values = images.reshape(n * h * w, c)
    # Per image the pixel table is (H, W); `leading` moves each lookup into its own image.
    return _resample(values, [h, w], [source_y, source_x], order, fill_mode, fill_value, leading=leading)


def _projective(op, images, transform, interpolation, fill_mode, fill_value):
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{op}: argument 'interpolation' must be one of {tuple(INTERPOLATIONS)}, received "
                         f"{interpolation!r}")
    _check(op, INTERPOLATIONS[interpolation], fill_mode)
    n, h, w, _ = images.shape
    coordinate_dtype = torch.float64 if images.dtype == torch.float64 else torch.float32
    transform = tensor(transform).to(device=images.device, dtype=coordinate_dtype)
    if transform.dim() == 1:
        transform = transform[None]
    if transform.shape[-1] != 8 or transform.shape[0] not in (1, n):
        raise ValueError(f"{op}: 'transform' must be (8,) or (batch, 8), received shape {tuple(transform.shape)}")
    y, x = torch.meshgrid(torch.arange(h, device=images.device, dtype=coordinate_dtype),
                          torch.arange(w, device=images.device, dtype=coordinate_dtype), indexing="ij")
    t = transform.expand(n, 8)[:, :, None, None]
    k = t[:, 6] * x + t[:, 7] * y + 1
    source_x = (t[:, 0] * x + t[:, 1] * y + t[:, 2]) / k
    source_y = (t[:, 3] * x + t[:, 4] * y + t[:, 5]) / k
    return _warp(op, images, source_x, source_y, INTERPOLATIONS[interpolation], fill_mode, fill_value)


@user_op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Each output pixel (x, y) reads the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1, for transform = [a0, a1, a2, b0, b1, b2, c0, c1] (one per image or shared)."""
    x, restore = _images_nhwc("affine_transform", images, data_format)
    return restore(_projective("affine_transform", x, transform, interpolation, fill_mode, fill_value))


def _homography(start_points, end_points, dtype, device):
    """The 8 projective coefficients mapping output (end) points to input (start) points, per image."""
    start = tensor(start_points).to(device=device, dtype=torch.float64)
    end = tensor(end_points).to(device=device, dtype=torch.float64)
    if start.shape[-2:] != (4, 2) or end.shape[-2:] != (4, 2):
        raise ValueError(f"perspective_transform: 'start_points' and 'end_points' must hold 4 (x, y) points each, "
                         f"received shapes {tuple(start.shape)} and {tuple(end.shape)}")
    start, end = start.reshape(-1, 4, 2), end.reshape(-1, 4, 2)
    rows = []
    for i in range(4):
        (u, v), (x, y) = start[:, i].unbind(-1), end[:, i].unbind(-1)
        one, zero = torch.ones_like(x), torch.zeros_like(x)
        rows.append(torch.stack([x, y, one, zero, zero, zero, -u * x, -u * y], -1))
        rows.append(torch.stack([zero, zero, zero, x, y, one, -v * x, -v * y], -1))
    system = torch.stack(rows, dim=1)  # (N, 8, 8)
    rhs = torch.stack([start[:, i // 2, i % 2] for i in range(8)], -1)  # u0, v0, u1, v1, ...
    return torch.linalg.solve(system, rhs.unsqueeze(-1)).squeeze(-1).to(dtype)


@user_op
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warp so that `start_points` (4 corners in the input) land on `end_points` in the output."""
    x, restore = _images_nhwc("perspective_transform", images, data_format)
    coefficients = _homography(start_points, end_points, torch.float64, x.device)
    return restore(_projective("perspective_transform", x, coefficients, interpolation, "constant", fill_value))


@user_op
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Displace pixels by uniform noise smoothed with a Gaussian of `sigma` and scaled by `alpha`
    (Simard et al., 2003); one random field per image, shared by its channels."""
    from tkeras.ops import image_filters, random

    x, restore = _images_nhwc("elastic_transform", images, data_format)
    n, h, w, _ = x.shape
    noise = random.uniform((2 * n, h, w, 1), -1.0, 1.0, dtype=x.dtype, seed=seed)
    size = int(2 * round(3 * float(sigma)) + 1)
    smooth = image_filters.gaussian_blur(noise, (size, size), (float(sigma), float(sigma)),
                                         data_format="channels_last")[..., 0] * float(alpha)
    dx, dy = smooth[:n], smooth[n:]
    y, xs = torch.meshgrid(torch.arange(h, device=x.device, dtype=x.dtype),
                           torch.arange(w, device=x.device, dtype=x.dtype), indexing="ij")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"elastic_transform: argument 'interpolation' must be one of {tuple(INTERPOLATIONS)}, "
                         f"received {interpolation!r}")
    _check("elastic_transform", INTERPOLATIONS[interpolation], fill_mode)
    return restore(_warp("elastic_transform", x, xs + dx, y + dy, INTERPOLATIONS[interpolation], fill_mode,
                         fill_value))
