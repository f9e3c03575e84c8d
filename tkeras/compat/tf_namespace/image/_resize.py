"""`tf.image.resize` and the resizes built on it (`resize_with_pad`), with TensorFlow's sampling.

Bilinear and nearest without antialiasing are `keras.ops.image`'s resize (half-pixel centres, as
TensorFlow). The other methods, and antialiased resizing, are TensorFlow's "scale and translate"
resampling written as two small weight matrices, one per axis: output pixel `i` samples the input at
`(i + 0.5) * in / out` with the method's kernel (stretched by the downscale factor when antialiasing);
taps outside the image are dropped and the rest renormalised. `area` averages the input cells each
output cell covers. Results are float32, except `nearest`, which keeps the image's dtype.
"""
import functools
import math

import numpy as np
import torch

from tkeras.compat.tf_namespace.image._common import as_images
from tkeras.compat.tf_namespace.image._geometry import pad_box
from tkeras.ops.core import user_op
from tkeras.ops.image import resize_nchw


class ResizeMethod:
    """`tf.image.ResizeMethod`: the method names `tf.image.resize` takes."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _lanczos(radius):
    def kernel(x):
        safe = np.where(x <= 1e-3, 1.0, x)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi ** 2 * safe ** 2)
        return np.where(x > radius, 0.0, np.where(x <= 1e-3, 1.0, value))
    return radius, kernel


def _cubic(b, c):
    """The (B, C) family of cubic kernels: Keys' cubic is (0, 0.5), Mitchell-Netravali (1/3, 1/3)."""
    def kernel(x):
        near = ((12 - 9 * b - 6 * c) * x ** 3 + (-18 + 12 * b + 6 * c) * x ** 2 + (6 - 2 * b)) / 6
        far = ((-b - 6 * c) * x ** 3 + (6 * b + 30 * c) * x ** 2 + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6
        return np.where(x < 1, near, np.where(x < 2, far, 0.0))
    return 2.0, kernel


# method -> (kernel radius, kernel of |distance|) for the resampling path
_KERNELS = {
    "bilinear": (1.0, lambda x: np.maximum(1.0 - x, 0.0)),
    "bicubic": _cubic(0.0, 0.5),
    "mitchellcubic": _cubic(1 / 3, 1 / 3),
    "lanczos3": _lanczos(3),
    "lanczos5": _lanczos(5),
    "gaussian": (1.5, lambda x: np.where(x < 1.5, np.exp(-x ** 2 / (2 * 0.5 ** 2)), 0.0)),
}
METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


@functools.lru_cache(maxsize=128)  # a pipeline resizes every image to the same size
def _sampling_weights(in_size, out_size, method, antialias):
    """(out_size, in_size) weights: row i samples the input around (i + 0.5) * in / out."""
    radius, kernel = _KERNELS[method]
    inv_scale = in_size / out_size
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    weights = np.zeros((out_size, in_size))
    for i in range(out_size):
        centre = (i + 0.5) * inv_scale
        start = min(max(math.ceil(centre - radius * kernel_scale - 0.5), 0), in_size - 1)
        end = min(max(math.floor(centre + radius * kernel_scale - 0.5), 0), in_size - 1) + 1
        taps = kernel(np.abs((np.arange(start, end) + 0.5 - centre) / kernel_scale))
        total = taps.sum()
        weights[i, start:end] = taps / total if abs(total) >= 1000 * np.finfo(np.float32).tiny else taps
    return weights


@functools.lru_cache(maxsize=128)  # a pipeline resizes every image to the same size
def _cubic_table_weights(in_size, out_size):
    """(out_size, in_size) weights of TensorFlow's plain bicubic resize: Keys' cubic on four taps, read
    from a table of 1024 steps per pixel (the sample offset is rounded to the table), taps outside the
    image dropped and the rest renormalised."""
    steps = 1024
    _, kernel = _KERNELS["bicubic"]
    scale = np.float32(in_size) / np.float32(out_size)
    weights = np.zeros((out_size, in_size))
    for i in range(out_size):
        position = (np.float32(i) + np.float32(0.5)) * scale - np.float32(0.5)
        base = math.floor(position)
        offset = np.rint((position - np.float32(base)) * np.float32(steps)) / steps
        taps = kernel(np.array([1 + offset, offset, 1 - offset, 2 - offset]))
        inside = [(j, w) for j, w in zip(range(base - 1, base + 3), taps) if 0 <= j < in_size]
        total = sum(w for _, w in inside)
        for j, w in inside:
            weights[i, j] = w / total if abs(total) >= 1000 * np.finfo(np.float32).tiny else w
    return weights


@functools.lru_cache(maxsize=128)  # a pipeline resizes every image to the same size
def _area_weights(in_size, out_size):
    """(out_size, in_size) weights: output cell i averages the input over [i, i + 1) * in / out."""
    scale = in_size / out_size
    weights = np.zeros((out_size, in_size))
    for i in range(out_size):
        low, high = i * scale, (i + 1) * scale
        for j in range(math.floor(low), math.ceil(high)):
            weights[i, min(j, in_size - 1)] += (min(j + 1, high) - max(j, low)) / scale
    return weights


def _resample(batch, size, method, antialias):
    """(N, H, W, C) float32 resized to `size` by one weight matrix per axis."""
    (in_h, in_w), (out_h, out_w) = batch.shape[1:3], size
    if method == "area":
        build = _area_weights
    elif method == "bicubic" and not antialias:
        build = _cubic_table_weights
    else:
        build = lambda i, o: _sampling_weights(i, o, method, antialias)  # noqa: E731
    rows = torch.as_tensor(build(in_h, out_h), dtype=torch.float32, device=batch.device)
    cols = torch.as_tensor(build(in_w, out_w), dtype=torch.float32, device=batch.device)
    return torch.einsum("oh,nhwc,pw->nopc", rows, batch, cols)


def _nearest(batch, size):
    """Nearest neighbour with half-pixel centres, by index (so any dtype is kept exactly)."""
    (in_h, in_w), (out_h, out_w) = batch.shape[1:3], size
    index = [torch.clamp(torch.floor((torch.arange(o, device=batch.device) + 0.5) * (i / o)).long(), max=i - 1)
             for i, o in ((in_h, out_h), (in_w, out_w))]
    return batch.index_select(1, index[0]).index_select(2, index[1])


def _size(size, api):
    """(new_height, new_width) from a list, tuple, array or tensor of two integers (0-d tensors allowed)."""
    values = size.tolist() if isinstance(size, (torch.Tensor, np.ndarray)) else size
    if isinstance(values, (list, tuple)) and len(values) == 2:
        values = [v.item() if isinstance(v, (torch.Tensor, np.generic)) else v for v in values]
        if all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
            return int(values[0]), int(values[1])
    raise ValueError(f"tf.image.{api}: `size` must be two positive integers (new_height, new_width), "
                     f"received {size!r}")


def resize_batch(batch, size, method, antialias):
    """(N, H, W, C) resized to `size` with one of TensorFlow's methods (the dtype rules included)."""
    if method == "nearest":
        return _nearest(batch, size)
    batch = batch.to(torch.float32)
    if method == "bilinear" and not antialias:
        return resize_nchw(batch.permute(0, 3, 1, 2), size).permute(0, 2, 3, 1)
    return _resample(batch, size, method, antialias)


def _method(method, api):
    method = getattr(method, "value", method)
    if method not in METHODS:
        raise ValueError(f"tf.image.{api}: `method` must be one of {METHODS} (tf.image.ResizeMethod), "
                         f"received {method!r}")
    return method


def _batched(images, api):
    x = as_images(images, api, argument="images")
    return (x[None], True) if x.dim() == 3 else (x, False)


@user_op
def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False, name=None):
    """TensorFlow's resize of one (H, W, C) image or an (N, H, W, C) batch: float32 out (nearest keeps
    the dtype). `preserve_aspect_ratio` shrinks `size` so the whole image fits inside it."""
    method = _method(method, "resize")
    size = _size(size, "resize")
    batch, single = _batched(images, "resize")
    if preserve_aspect_ratio:
        height, width = batch.shape[1:3]
        scale = min(np.float32(size[0]) / np.float32(height), np.float32(size[1]) / np.float32(width))
        size = (int(np.round(scale * np.float32(height))), int(np.round(scale * np.float32(width))))
    out = resize_batch(batch, size, method, antialias)
    return out[0] if single else out


@user_op
def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """Resizes so the image fits the target with its aspect ratio kept, then pads it centred with zeros."""
    method = _method(method, "resize_with_pad")
    if int(target_height) <= 0 or int(target_width) <= 0:
        raise ValueError(f"tf.image.resize_with_pad: target_height and target_width must be > 0, received "
                         f"{target_height} and {target_width}")
    batch, single = _batched(image, "resize_with_pad")
    height, width = (np.float32(d) for d in batch.shape[1:3])
    target_h, target_w = np.float32(target_height), np.float32(target_width)
    ratio = max(width / target_w, height / target_h)
    new_h, new_w = height / ratio, width / ratio
    top = max(0, int(np.floor((target_h - new_h) / 2)))
    left = max(0, int(np.floor((target_w - new_w) / 2)))
    resized = resize_batch(batch, (int(np.floor(new_h)), int(np.floor(new_w))), method, antialias)
    out = pad_box(resized, top, left, int(target_height), int(target_width), "resize_with_pad")
    return out[0] if single else out
