"""`tf.image` measures of images: `psnr` and `ssim` (how close two images are, as super-resolution and
denoising examples report), `total_variation`, `image_gradients` and `sobel_edges`.

Inputs of any integer dtype are first scaled to [0, 1] with `max_val` scaled alike, as TensorFlow
does, so `psnr(a, b, max_val=255)` on uint8 images and `psnr(a / 255, b / 255, max_val=1)` agree.
"""
import math

import torch
import torch.nn.functional as F

from tkeras.compat.tf_namespace.image._common import as_images, convert_dtype
from tkeras.ops.core import tensor, user_op


def _pair(a, b, max_val, api):
    """Both images and max_val in float32, in the [0, 1] scale for integer images."""
    x, y = as_images(a, api, "a", ranks=range(3, 9)), as_images(b, api, "b", ranks=range(3, 9))
    if x.shape != y.shape:
        raise ValueError(f"tf.image.{api}: `a` and `b` must have the same shape, received {tuple(x.shape)} and "
                         f"{tuple(y.shape)}")
    peak = convert_dtype(tensor(max_val).to(device=x.device, dtype=x.dtype), torch.float32)
    return convert_dtype(x, torch.float32), convert_dtype(y, torch.float32), peak


@user_op
def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB per image: 20·log10(max_val) − 10·log10(mean squared error)."""
    x, y, peak = _pair(a, b, max_val, "psnr")
    mse = torch.mean((x - y) ** 2, dim=(-3, -2, -1))
    return 20.0 * torch.log(peak) / math.log(10.0) - (10.0 / math.log(10.0)) * torch.log(mse)


def _gaussian_window(size, sigma, channels, device):
    coords = torch.arange(size, dtype=torch.float32, device=device) - (size - 1) / 2.0
    profile = torch.softmax(-0.5 * coords ** 2 / sigma ** 2, dim=0)
    return torch.outer(profile, profile).expand(channels, 1, size, size)


@user_op
def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """Structural similarity per image (1 for identical images): luminance × contrast-structure terms
    under an 11×11 Gaussian window (sigma 1.5) slid without padding, averaged over positions and channels."""
    x, y, peak = _pair(img1, img2, max_val, "ssim")
    height, width, channels = x.shape[-3:]
    if height < filter_size or width < filter_size:
        raise ValueError(f"tf.image.ssim: images must be at least filter_size={filter_size} pixels high and wide, "
                         f"received {height}x{width}")
    batch_shape = x.shape[:-3]
    window = _gaussian_window(int(filter_size), float(filter_sigma), channels, x.device)

    def local_mean(values):  # (..., H, W, C) -> (..., H', W', C)
        flat = values.reshape(-1, height, width, channels).permute(0, 3, 1, 2)
        return F.conv2d(flat, window, groups=channels).permute(0, 2, 3, 1)

    c1, c2 = (k1 * peak) ** 2, (k2 * peak) ** 2
    mean_x, mean_y = local_mean(x), local_mean(y)
    luminance = (2 * mean_x * mean_y + c1) / (mean_x ** 2 + mean_y ** 2 + c1)
    contrast_structure = (2 * local_mean(x * y) - 2 * mean_x * mean_y + c2) / (
        local_mean(x * x + y * y) - mean_x ** 2 - mean_y ** 2 + c2)
    index_map = (luminance * contrast_structure).reshape(*batch_shape, *luminance.shape[1:])
    if return_index_map:
        return index_map
    return index_map.mean(dim=(-3, -2, -1))


@user_op
def total_variation(images, name=None):
    """The sum of absolute differences between neighbouring pixels, per image (in the images' dtype)."""
    x = as_images(images, "total_variation", argument="images")
    h_axis, w_axis = x.dim() - 3, x.dim() - 2
    axes = (-3, -2, -1)
    return torch.abs(torch.diff(x, dim=h_axis)).sum(dim=axes) + torch.abs(torch.diff(x, dim=w_axis)).sum(dim=axes)


@user_op
def image_gradients(image):
    """(dy, dx): differences to the pixel below and to the right, zero on the last row / column."""
    x = as_images(image, "image_gradients", ranks=(4,))
    dy = F.pad(x[:, 1:] - x[:, :-1], (0, 0, 0, 0, 0, 1))
    dx = F.pad(x[:, :, 1:] - x[:, :, :-1], (0, 0, 0, 1))
    return dy, dx


@user_op
def sobel_edges(image):
    """Sobel responses (N, H, W, C, 2): [..., 0] vertical (dy), [..., 1] horizontal (dx); edges reflected."""
    x = as_images(image, "sobel_edges", ranks=(4,))
    x = x if x.is_floating_point() else x.to(torch.float32)
    channels = x.shape[-1]
    dy = torch.tensor([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=x.dtype, device=x.device)
    kernels = torch.stack((dy, dy.T)).repeat(channels, 1, 1)[:, None]  # (2C, 1, 3, 3): dy, dx per channel
    padded = F.pad(x.permute(0, 3, 1, 2), (1, 1, 1, 1), mode="reflect")
    out = F.conv2d(padded, kernels, groups=channels)  # (N, 2C, H, W)
    return out.reshape(x.shape[0], channels, 2, *x.shape[1:3]).permute(0, 3, 4, 1, 2)
