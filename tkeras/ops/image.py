"""`keras.ops.image`: resizing, the one image operation the layers, the dataset builders and user code
share.

Sampling follows `tf.image.resize` (half-pixel centres, no antialiasing unless asked), so pixels agree
with Keras' for bilinear and nearest. An optional aspect-ratio crop or pad comes first, so the content
is not stretched. Everything works on (N, C, H, W) tensors inside (`resize_nchw`); `resize` speaks the
user's layout and accepts one image or a batch.
"""
import torch
import torch.nn.functional as F

from tkeras.backend import config

# Keras' interpolation names -> torch's (`nearest-exact` is TensorFlow's nearest: half-pixel centres).
TORCH_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic", "area": "area"}


def aspect_box(height, width, target_height, target_width, grow):
    """The centred box with the target's aspect ratio: the largest inside the image (crop) or the
    smallest around it (pad, `grow=True`); returns (box height, box width, top offset, left offset),
    the offsets of the box in the image (crop) or of the image in the box (pad)."""
    pick = max if grow else min
    box_height = pick(height, int(width * target_height / target_width))
    box_width = pick(width, int(height * target_width / target_height))
    return box_height, box_width, abs(height - box_height) // 2, abs(width - box_width) // 2


def resize_nchw(images, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False,
                fill_value=0.0, antialias=False):
    """(N, C, H, W) images resized to `size` = (height, width)."""
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
    extra = {"align_corners": False, "antialias": bool(antialias)} if mode in ("bilinear", "bicubic") else {}
    return F.interpolate(images, size=tuple(size), mode=mode, **extra)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Keras 3's `ops.image.resize`: one (H, W, C) image or an (N, H, W, C) batch (channels first with
    `data_format='channels_first'`), as float32 unless it already is a float tensor."""
    if interpolation not in TORCH_MODES:
        raise ValueError(f"ops.image.resize: `interpolation` must be one of {tuple(TORCH_MODES)}, "
                         f"received {interpolation!r}")
    if fill_mode != "constant":
        raise ValueError(f"ops.image.resize: only fill_mode='constant' pads, received {fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("ops.image.resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
    x = images if isinstance(images, torch.Tensor) else torch.as_tensor(images)
    if not x.is_floating_point():
        x = x.to(torch.float32)
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
