"""YIQ and YUV colour spaces (NTSC / PAL analogue encodings, BT.601 luma), plus multi-scale SSIM.

The conversions are a 3x3 matrix on the channel axis of float images, computed in the images' dtype;
YUV's inverse is the exact inverse of its forward matrix; YIQ's inverse uses the NTSC decoding
coefficients, which TensorFlow also uses, so a YIQ round trip is exact only to about 1e-4.
"""


import torch
import torch.nn.functional as F

from tkeras.compat.tf_namespace.image._common import as_images
from tkeras.compat.tf_namespace.image._quality import _gaussian_window, _pair
from tkeras.ops.core import user_op

# rows: R, G, B contributions; columns: the output channels
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YIQ_TO_RGB = [[1.0, 1.0, 1.0], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]
_MATRICES = {}


def _matrix(name):
    if name not in _MATRICES:
        forward = torch.tensor(_RGB_TO_YIQ if "yiq" in name else _RGB_TO_YUV, dtype=torch.float64)
        if name == "yiq_to_rgb":
            _MATRICES[name] = torch.tensor(_YIQ_TO_RGB, dtype=torch.float64)
        else:
            _MATRICES[name] = forward if name.startswith("rgb") else torch.linalg.inv(forward)
    return _MATRICES[name]


def _convert(images, name):
    x = as_images(images, name, argument="images", ranks=range(1, 9))
    if x.shape[-1] != 3:
        raise ValueError(f"tf.image.{name}: the last axis of `images` must have 3 channels, received shape "
                         f"{tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"tf.image.{name}: `images` must be a float tensor, received {x.dtype}")
    return torch.tensordot(x, _matrix(name).to(dtype=x.dtype, device=x.device), dims=([x.dim() - 1], [0]))


@user_op
def rgb_to_yiq(images):
    return _convert(images, "rgb_to_yiq")


@user_op
def yiq_to_rgb(images):
    return _convert(images, "yiq_to_rgb")


@user_op
def rgb_to_yuv(images):
    return _convert(images, "rgb_to_yuv")


@user_op
def yuv_to_rgb(images):
    return _convert(images, "yuv_to_rgb")


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)  # Wang, Simoncelli and Bovik (2003)


def _ssim_and_cs(x, y, peak, filter_size, sigma, k1, k2):
    """Per-channel SSIM and contrast-structure means of (n, H, W, C) float32 images."""
    channels = x.shape[-1]
    if x.shape[1] < filter_size or x.shape[2] < filter_size:
        raise ValueError(f"tf.image.ssim_multiscale: every scale must be at least filter_size={filter_size} pixels; "
                         f"a scale is {x.shape[1]}x{x.shape[2]} (use larger images or fewer power_factors)")
    window = _gaussian_window(filter_size, sigma, channels, x.device)

    def mean(values):
        return F.conv2d(values.permute(0, 3, 1, 2), window, groups=channels).permute(0, 2, 3, 1)

    c1, c2 = (k1 * peak) ** 2, (k2 * peak) ** 2
    mean_x, mean_y = mean(x), mean(y)
    product = 2 * mean_x * mean_y
    luminance = (product + c1) / (mean_x ** 2 + mean_y ** 2 + c1)
    cs = (2 * mean(x * y) - product + c2) / (mean(x * x + y * y) - mean_x ** 2 - mean_y ** 2 + c2)
    return (luminance * cs).mean(dim=(1, 2)), cs.mean(dim=(1, 2))


def _halve(x):
    """2x2 average pooling; an odd side first gains a mirrored copy of its last row or column."""
    x = x.permute(0, 3, 1, 2)
    if x.shape[2] % 2:
        x = torch.cat([x, x[:, :, -1:]], dim=2)
    if x.shape[3] % 2:
        x = torch.cat([x, x[:, :, :, -1:]], dim=3)
    return F.avg_pool2d(x, 2).permute(0, 2, 3, 1)


@user_op
def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11, filter_sigma=1.5, k1=0.01,
                    k2=0.03):
    """MS-SSIM per image: contrast-structure terms at each halving scale and full SSIM at the coarsest,
    raised to `power_factors` and multiplied (negative terms clipped to 0 first), averaged over channels."""
    x, y, peak = _pair(img1, img2, max_val, "ssim_multiscale")
    batch_shape = x.shape[:-3]
    x, y = x.reshape(-1, *x.shape[-3:]), y.reshape(-1, *y.shape[-3:])
    terms = []
    for scale in range(len(power_factors)):
        if scale:
            x, y = _halve(x), _halve(y)
        ssim_value, cs = _ssim_and_cs(x, y, peak, int(filter_size), float(filter_sigma), k1, k2)
        terms.append(torch.relu(cs))
    terms[-1] = torch.relu(ssim_value)
    stacked = torch.stack(terms, dim=-1)
    weights = torch.tensor([float(p) for p in power_factors], dtype=stacked.dtype, device=stacked.device)
    return torch.prod(torch.pow(stacked, weights), dim=-1).mean(dim=-1).reshape(batch_shape)
