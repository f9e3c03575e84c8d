"""Filtering and windowing ops of `keras.ops.image`: `gaussian_blur`, `sobel_edges`, `ssim`,
`extract_patches` (2-D and 3-D), `crop_images`, `pad_images`; grouped convolutions in channels-first
layout inside, the user's layout outside."""
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.ops.conv_ops import _same_padding
from tkeras.ops.core import tensor, user_op


def _batch_nchw(op, images, data_format, ranks=(3, 4)):
    x = tensor(images)
    if x.dim() not in ranks:
        raise ValueError(f"{op}: 'images' must have rank {ranks[0]} (one image) or {ranks[1]} (a batch), received "
                         f"shape {tuple(x.shape)}")
    single = x.dim() == ranks[0]
    x = x[None] if single else x
    channels_last = (data_format or config.image_data_format()) == "channels_last"
    if channels_last:
        x = torch.movedim(x, -1, 1)
    if not x.is_floating_point():
        x = x.to(torch.get_default_dtype())

    def restore(out, extra_trailing=0):
        if channels_last:
            out = torch.movedim(out, 1, out.dim() - 1 - extra_trailing)
        return out[0] if single else out
    return x, restore


def _gaussian(size, sigma, dtype, device):
    offsets = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2.0
    weights = torch.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / weights.sum()


@user_op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Each channel convolved with a (kernel_size) Gaussian, zero-padded to keep the size.

    `data_format=None` means `keras.config.image_data_format()`, as documented (Keras 3.15.1's JAX
    backend reads None as channels-first).
    """
    x, restore = _batch_nchw("gaussian_blur", images, data_format)
    size_h, size_w = (int(kernel_size),) * 2 if isinstance(kernel_size, int) else map(int, kernel_size)
    sigma_h, sigma_w = (float(sigma),) * 2 if isinstance(sigma, (int, float)) else map(float, sigma)
    # Keras pairs kernel_size[0]/sigma[0] with the width axis and [1] with the height axis.
    kernel = torch.outer(_gaussian(size_w, sigma_w, x.dtype, x.device), _gaussian(size_h, sigma_h, x.dtype, x.device))
    channels = x.shape[1]
    weight = kernel.expand(channels, 1, *kernel.shape)
    padded = F.pad(x, _same_padding(x.shape[2:], kernel.shape, (1, 1), (1, 1)))
    return restore(F.conv2d(padded, weight, groups=channels))


@user_op
def sobel_edges(images, data_format=None):
    """(..., channels, 2) vertical and horizontal Sobel responses (dy, dx), zero-padded at the edges."""
    x, restore = _batch_nchw("sobel_edges", images, data_format)
    rows = torch.tensor([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]], dtype=x.dtype, device=x.device)
    kernels = torch.stack([rows, rows.T])  # dy, dx
    channels = x.shape[1]
    weight = kernels.repeat(channels, 1, 1).unsqueeze(1)  # (C * 2, 1, 3, 3): per channel dy then dx
    out = F.conv2d(x, weight, padding=1, groups=channels)
    n, _, h, w = out.shape
    out = out.reshape(n, channels, 2, h, w).permute(0, 1, 3, 4, 2)  # (N, C, H, W, 2)
    return restore(out, extra_trailing=1)


@user_op
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Mean structural similarity per image (Wang et al., 2004), Gaussian window, valid positions only."""
    a, restore = _batch_nchw("ssim", image1, data_format)
    b, _ = _batch_nchw("ssim", image2, data_format)
    if a.shape != b.shape:
        raise ValueError(f"ssim: 'image1' and 'image2' must have the same shape, received {tuple(a.shape)} and "
                         f"{tuple(b.shape)}")
    if min(a.shape[-2:]) < filter_size:
        raise ValueError(f"ssim: images of size {tuple(a.shape[-2:])} are smaller than filter_size {filter_size}")
    window = _gaussian(int(filter_size), float(filter_sigma), a.dtype, a.device)
    weight = torch.outer(window, window)[None, None]
    n, c, h, w = a.shape

    def local_mean(v):
        return F.conv2d(v.reshape(n * c, 1, h, w), weight)

    mu_a, mu_b = local_mean(a), local_mean(b)
    var_a = local_mean(a * a) - mu_a * mu_a
    var_b = local_mean(b * b) - mu_b * mu_b
    covariance = local_mean(a * b) - mu_a * mu_b
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    index = ((2 * mu_a * mu_b + c1) * (2 * covariance + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    per_image = index.mean(dim=(1, 2, 3)).reshape(n, c).mean(dim=1)
    return per_image[0] if tensor(image1).dim() == 3 else per_image


def _patches(op, images, size, strides, dilation_rate, padding, data_format, rank):
    x, restore = _batch_nchw(op, images, data_format, ranks=(rank + 1, rank + 2))
    size = (int(size),) * rank if isinstance(size, int) else tuple(int(s) for s in size)
    strides = size if strides is None else ((int(strides),) * rank if isinstance(strides, int) else tuple(strides))
    dilation = (int(dilation_rate),) * rank if isinstance(dilation_rate, int) else tuple(dilation_rate)
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"{op}: argument 'padding' must be 'valid' or 'same', received {padding!r}")
    if str(padding).lower() == "same":
        x = F.pad(x, _same_padding(x.shape[2:], size, strides, dilation))
    channels = x.shape[1]
    # An identity kernel: output feature (offset..., channel) copies that pixel of the window, so each
    # patch comes out flattened in (offset..., channel) order, as Keras.
    count = channels
    for s in size:
        count *= s
    eye = torch.eye(count, dtype=x.dtype, device=x.device).reshape(count, *size, channels)
    weight = torch.movedim(eye, -1, 1)  # (out, in=channels, *size)
    conv = F.conv2d if rank == 2 else F.conv3d
    out = conv(x, weight, stride=strides, dilation=dilation)
    return restore(out)


@user_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    return _patches("extract_patches", images, size, strides, dilation_rate, padding, data_format, 2)


@user_op
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    return _patches("extract_patches_3d", volumes, size, strides, dilation_rate, padding, data_format, 3)


def _box(op, names, height, width, start_h, start_w, end_h, end_w, target_h, target_w, grow):
    """(top, left, box height, box width): per axis exactly two of (start offset, end offset, target
    size) must be given, as Keras requires; the third follows."""
    def resolve(size, start, end, target, axis_names):
        given = [v is not None for v in (start, end, target)]
        if sum(given) != 2:
            raise ValueError(f"{op}: pass exactly two of {', '.join(axis_names)}; received "
                             f"{dict(zip(axis_names, (start, end, target)))}")
        sign = 1 if grow else -1
        if target is None:
            target = size + sign * (int(start) + int(end))
        elif start is None:
            start = sign * (int(target) - size) - int(end)
        return int(start), int(target)

    start_h, target_h = resolve(height, start_h, end_h, target_h, names[0])
    start_w, target_w = resolve(width, start_w, end_w, target_w, names[1])
    fits = (start_h + height <= target_h and start_w + width <= target_w) if grow else (
        start_h + target_h <= height and start_w + target_w <= width)
    if min(start_h, start_w) < 0 or min(target_h, target_w) <= 0 or not fits:
        raise ValueError(f"{op}: offsets ({start_h}, {start_w}) with target size ({target_h}, {target_w}) do not fit "
                         f"images of size ({height}, {width})")
    return start_h, start_w, target_h, target_w


@user_op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    x, restore = _batch_nchw("crop_images", images, data_format)
    names = (("top_cropping", "bottom_cropping", "target_height"), ("left_cropping", "right_cropping", "target_width"))
    top, left, h, w = _box("crop_images", names, x.shape[2], x.shape[3], top_cropping, left_cropping,
                           bottom_cropping, right_cropping, target_height, target_width, grow=False)
    out = x[:, :, top:top + h, left:left + w]
    return restore(out if tensor(images).is_floating_point() else out.to(tensor(images).dtype))


@user_op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    x, restore = _batch_nchw("pad_images", images, data_format)
    names = (("top_padding", "bottom_padding", "target_height"), ("left_padding", "right_padding", "target_width"))
    top, left, h, w = _box("pad_images", names, x.shape[2], x.shape[3], top_padding, left_padding, bottom_padding,
                           right_padding, target_height, target_width, grow=True)
    out = F.pad(x, (left, w - x.shape[3] - left, top, h - x.shape[2] - top))
    return restore(out if tensor(images).is_floating_point() else out.to(tensor(images).dtype))
