"""What every `tf.image` function shares: taking an image or a batch, and TensorFlow's dtype rules.

`tf.image` is always channels-last: one image is (height, width, channels), a batch is
(batch, height, width, channels). Integer images hold values up to their dtype's maximum (255 for
uint8); float images hold [0, 1]. `convert_image_dtype` moves between the two, and the colour
adjustments compute in float32 and convert back, as TensorFlow does.
"""
import torch

from tkeras.ops.core import tensor, to_torch_dtype, user_op


def as_images(images, api, argument="image", ranks=(3, 4)):
    """`images` as a torch tensor, with a one-line error naming the function and argument otherwise."""
    try:
        x = tensor(images)
    except TypeError as error:
        raise TypeError(f"tf.image.{api}: `{argument}` must be an image tensor or array; {error}") from None
    if x.dim() not in ranks:
        wanted = " or ".join({3: "one image (height, width, channels)",
                              4: "a batch (batch, height, width, channels)"}.get(r, f"rank {r}") for r in ranks)
        raise ValueError(f"tf.image.{api}: `{argument}` must be {wanted}, received shape {tuple(x.shape)}")
    if x.dtype == torch.bool or x.is_complex():
        raise TypeError(f"tf.image.{api}: `{argument}` must hold integers or floats, received dtype {x.dtype}")
    return x


def spatial_axes(x):
    """(height axis, width axis) of an image or a batch."""
    return x.dim() - 3, x.dim() - 2


def _max(dtype):
    return torch.iinfo(dtype).max


def _to_int(x, dtype):
    """To an integer dtype as TensorFlow's cast (truncation). Out-of-range values are always clamped, as
    `saturate=True` asks; without it TensorFlow leaves them undefined, so clamping is one valid answer."""
    info = torch.iinfo(dtype)
    return x.clamp(info.min, info.max).to(dtype)


def convert_dtype(x, dtype):
    """`convert_image_dtype` on a torch tensor (see `convert_image_dtype`)."""
    if dtype == x.dtype:
        return x
    if dtype.is_complex or dtype == torch.bool:
        raise TypeError(f"tf.image.convert_image_dtype: `dtype` must be a float or integer dtype, received {dtype}")
    if not x.is_floating_point() and not dtype.is_floating_point:  # int -> int: shift the range
        scale_in, scale_out = _max(x.dtype), _max(dtype)
        if scale_in > scale_out:
            scaled = torch.div(x, (scale_in + 1) // (scale_out + 1), rounding_mode="floor")
            return _to_int(scaled, dtype)
        return x.to(dtype) * ((scale_out + 1) // (scale_in + 1))
    if x.is_floating_point() and dtype.is_floating_point:
        return x.to(dtype)
    if not x.is_floating_point():  # int -> float: [0, max] -> [0, 1]
        # the scale is rounded to the target dtype first, as TensorFlow multiplies in that dtype
        return x.to(dtype) * torch.tensor(1.0 / _max(x.dtype), dtype=dtype, device=x.device)
    return _to_int(x * (_max(dtype) + 0.5), dtype)  # float -> int


@user_op
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts an image's *range* along with its dtype: uint8 [0, 255] -> float [0, 1] and back (a plain
    `tf.cast` keeps the numbers). Float -> float and same-dtype calls only cast."""
    return convert_dtype(as_images(image, "convert_image_dtype", ranks=range(0, 9)), to_torch_dtype(dtype))


def in_float(x, adjust):
    """Runs `adjust` on `x` as float (float16/32 stay, other dtypes go through float32) and converts the
    result back to `x`'s dtype with saturation: the pattern of TensorFlow's adjust_* functions."""
    work = x if x.dtype in (torch.float16, torch.float32) else convert_dtype(x, torch.float32)
    return convert_dtype(adjust(work), x.dtype)
