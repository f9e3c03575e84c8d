"""`keras.ops.image`: resizing, the one image operation the layers, the dataset builders and user code
share.

Sampling follows `tf.image.resize` (half-pixel centres, no antialiasing unless asked), so pixels agree
with Keras' for bilinear and nearest; area averages the input cells by the fraction each output cell
covers, as TensorFlow's does. bicubic (Keys' cubic, a = -0.5) and lanczos3/lanczos5 go through
`scale_and_translate`'s weights, as `jax.image.resize` does for Keras' JAX (and TF) backend; Keras'
torch backend uses torch's a = -0.75 cubic and has no lanczos, so tkeras follows the reference backend.
An optional aspect-ratio crop or pad comes first, so the content is not stretched. Integer images are
resized in float32 and come back rounded in their own dtype, as in Keras. Everything works on
(N, C, H, W) tensors inside (`resize_nchw`); `resize` speaks the user's layout and accepts one image or
a batch.
"""
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.ops.core import user_op
from tkeras.ops.tensor_updates import saturate_cast

# Keras' interpolation names -> torch's (`nearest-exact` is TensorFlow's nearest: half-pixel centres);
# None: resampled with `scale_and_translate`'s kernels.
TORCH_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": None, "area": None,
               "lanczos3": None, "lanczos5": None}


def aspect_box(height, width, target_height, target_width, grow):
    """The centred box with the target's aspect ratio: the largest inside the image (crop) or the
    smallest around it (pad, `grow=True`); returns (box height, box width, top offset, left offset),
    the offsets of the box in the image (crop) or of the image in the box (pad)."""
    if grow:  # Keras pads the same whole number of rows (or columns) on both sides
        top = (max(height, int(width * target_height / target_width)) - height) // 2
        left = (max(width, int(height * target_width / target_height)) - width) // 2
        return height + 2 * top, width + 2 * left, top, left
    box_height = max(min(height, int(width * target_height / target_width)), 1)
    box_width = max(min(width, int(height * target_width / target_height)), 1)
    return box_height, box_width, (height - box_height) // 2, (width - box_width) // 2


def resize_nchw(images, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                fill_value=0.0, antialias=False):
    """(N, C, H, W) images resized to `size` = (height, width), in their own dtype."""
    dtype = images.dtype
    if not images.is_floating_point():
        images = images.to(torch.float32)
    out = _resize_float(images, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value,
                        antialias)
    if dtype.is_floating_point:
        return out
    return saturate_cast.__wrapped__(torch.round(out), dtype)  # Keras: round (halves to even), then saturate_cast


def _resize_float(images, size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value, antialias):
    height, width = images.shape[-2:]
    if crop_to_aspect_ratio:
        box_h, box_w, top, left = aspect_box(height, width, *size, grow=False)
        images = images[..., top:top + box_h, left:left + box_w]
    elif pad_to_aspect_ratio:
        box_h, box_w, top, left = aspect_box(height, width, *size, grow=True)
        images = F.pad(images, (left, box_w - width - left, top, box_h - height - top), value=float(fill_value))
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    mode = TORCH_MODES[interpolation]
    if mode is None:
        return _resample(images, tuple(size), interpolation, bool(antialias))
    extra = {"align_corners": False, "antialias": bool(antialias)} if mode == "bilinear" else {}
    return F.interpolate(images, size=tuple(size), mode=mode, **extra)


def _resample(images, size, interpolation, antialias):
    """jax.image.resize's separable resampling: scale out/in, no translation, one weight matrix per axis."""
    from tkeras.ops.image_rescale import METHODS, _weights
    compute = torch.float64 if images.dtype == torch.float64 else torch.float32
    result = images.to(compute)
    for dim, target in ((2, size[0]), (3, size[1])):
        if result.shape[dim] == target:
            continue
        if interpolation == "area":
            weights = _area_weights(result.shape[dim], target, compute, images.device)
        else:
            weights = _weights(result.shape[dim], target, target / result.shape[dim], 0.0, METHODS[interpolation],
                               antialias, compute, images.device)
        result = torch.movedim(torch.tensordot(result, weights, dims=([dim], [0])), -1, dim)
    return result.to(images.dtype)


def _area_weights(length, target, dtype, device):
    """TensorFlow's area resampling along one axis, as an (input, output) weight matrix: output cell j
    spans [j * s, (j + 1) * s) of the input (s = length / target) and averages the input cells by how
    much of each it covers. torch's "area" (adaptive average pooling) takes whole cells instead, which
    differs whenever the sizes do not divide."""
    scale = length / target
    starts = torch.arange(target, dtype=torch.float64, device=device) * scale
    cells = torch.arange(length, dtype=torch.float64, device=device)
    overlap = (torch.minimum(cells[:, None] + 1, starts[None, :] + scale)
               - torch.maximum(cells[:, None], starts[None, :])).clamp_min(0)
    return (overlap / scale).to(dtype)


@user_op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Keras 3's `ops.image.resize`: one (H, W, C) image or an (N, H, W, C) batch (channels first with
    `data_format='channels_first'`), returned in the images' dtype."""
    if interpolation not in TORCH_MODES:
        raise ValueError(f"ops.image.resize: `interpolation` must be one of {tuple(TORCH_MODES)}, "
                         f"received {interpolation!r}")
    if fill_mode != "constant":
        raise ValueError(f"ops.image.resize: only fill_mode='constant' pads, received {fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("ops.image.resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
    x = images if isinstance(images, torch.Tensor) else torch.as_tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError(f"ops.image.resize: expected one image (3 dims) or a batch (4 dims), "
                         f"received shape {tuple(x.shape)}")
    single = x.dim() == 3
    batch = x[None] if single else x
    channels_last = (data_format or config.image_data_format()) == "channels_last"
    if channels_last:
        batch = batch.permute(0, 3, 1, 2)
    out = resize_nchw(batch, tuple(int(s) for s in size), interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio,
                      fill_value, antialias)
    if channels_last:
        out = out.permute(0, 2, 3, 1)
    return out[0] if single else out


# The rest of Keras 3's `ops.image` namespace, by concern.
from tkeras.ops.image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv  # noqa: E402,F401
from tkeras.ops.image_filters import (  # noqa: E402,F401
    crop_images, extract_patches, extract_patches_3d, gaussian_blur, pad_images, sobel_edges, ssim,
)
from tkeras.ops.image_rescale import scale_and_translate  # noqa: E402,F401
from tkeras.ops.image_sampling import (  # noqa: E402,F401
    affine_transform, elastic_transform, map_coordinates, perspective_transform,
)
