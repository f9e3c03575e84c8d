"""`keras.ops.image.scale_and_translate`: separable resampling with a chosen kernel, one weight matrix
per spatial dimension applied with a tensordot.

Output pixel i (centre i + 0.5) of a dimension reads input position (i + 0.5 - translation) / scale
- 0.5 through the kernel; when downsampling with `antialias` the kernel is widened by 1 / scale, so
each output pixel averages the input it covers. Weights are normalised per output pixel, and an
output pixel whose position falls outside the input is zero.
"""
import math

import torch

from tkeras.ops.core import tensor, user_op

METHODS = {
    "linear": "triangle", "bilinear": "triangle", "trilinear": "triangle", "triangle": "triangle",
    "cubic": "keys_cubic", "bicubic": "keys_cubic", "tricubic": "keys_cubic",
    "lanczos3": "lanczos3", "lanczos5": "lanczos5",
}


def _kernel(name, x):
    x = torch.abs(x)
    if name == "triangle":
        return torch.clamp(1 - x, min=0)
    if name == "keys_cubic":  # Keys (1981), a = -0.5
        inner = ((1.5 * x - 2.5) * x) * x + 1
        outer = ((-0.5 * x + 2.5) * x - 4) * x + 2
        return torch.where(x <= 1, inner, torch.where(x < 2, outer, torch.zeros_like(x)))
    radius = 3.0 if name == "lanczos3" else 5.0
    value = torch.sinc(x) * torch.sinc(x / radius)  # torch.sinc is sin(pi x) / (pi x)
    return torch.where(x < radius, value, torch.zeros_like(x))


def _weights(input_size, output_size, scale, translation, kernel, antialias, dtype, device):
    """(input_size, output_size) resampling weights of one dimension."""
    inverse = 1.0 / scale
    width = max(inverse, 1.0) if antialias else 1.0
    positions = (torch.arange(output_size, dtype=dtype, device=device) + 0.5 - translation) * inverse - 0.5
    distance = positions[None, :] - torch.arange(input_size, dtype=dtype, device=device)[:, None]
    weights = _kernel(kernel, distance / width)
    total = weights.sum(dim=0, keepdim=True)
    usable = torch.abs(total) > 1000 * torch.finfo(torch.float32).eps
    weights = torch.where(usable, weights / torch.where(total != 0, total, torch.ones_like(total)),
                          torch.zeros_like(weights))
    inside = (positions >= -0.5) & (positions <= input_size - 0.5)
    return torch.where(inside[None, :], weights, torch.zeros_like(weights))


@user_op
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    x = tensor(images)
    if method not in METHODS:
        raise ValueError(f"scale_and_translate: argument 'method' must be one of {tuple(METHODS)}, received "
                         f"{method!r}")
    output_shape = tuple(int(d) for d in output_shape)
    if len(output_shape) != x.dim():
        raise ValueError(f"scale_and_translate: 'output_shape' must have one entry per dimension of 'images' "
                         f"({x.dim()}), received {output_shape}")
    spatial_dims = tuple(int(d) % x.dim() for d in spatial_dims)
    scale = [float(s) for s in tensor(scale).reshape(-1).tolist()]
    translation = [float(t) for t in tensor(translation).reshape(-1).tolist()]
    if not len(scale) == len(translation) == len(spatial_dims):
        raise ValueError(f"scale_and_translate: 'scale', 'translation' and 'spatial_dims' must have the same "
                         f"length, received {len(scale)}, {len(translation)} and {len(spatial_dims)}")
    if not x.is_floating_point():
        x = x.to(torch.get_default_dtype())
    compute = torch.float64 if x.dtype == torch.float64 else torch.float32
    result = x.to(compute)
    for dim, s, t in zip(spatial_dims, scale, translation):
        if not math.isfinite(s) or s == 0:
            raise ValueError(f"scale_and_translate: scale {s} of dimension {dim} must be finite and non-zero")
        weights = _weights(x.shape[dim], output_shape[dim], s, t, METHODS[method], antialias, compute, x.device)
        result = torch.movedim(torch.tensordot(result, weights, dims=([dim], [0])), -1, dim)
    return result.to(x.dtype)
