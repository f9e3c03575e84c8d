"""`tf.image.random_*` and `tf.image.stateless_random_*`: the augmentations of tf.data pipelines.

As in TensorFlow, the flips decide per image (each image of a batch on its own), while brightness,
contrast, saturation and hue draw one factor per call, shared by a whole batch; `random_crop` cuts
one window of `size` (all dims, batch included) at a random offset. A `seed` gives a reproducible
sequence of draws (see `_seeds.py`); the stateless variants give the same draw for the same seed pair.
"""
import torch

from tkeras.compat.tf_namespace._seeds import op_generator, stateless_generator
from tkeras.compat.tf_namespace.image import _color
from tkeras.compat.tf_namespace.image._common import as_images, spatial_axes
from tkeras.ops.core import tensor, user_op


def _generator(api, seed, stateless, device):
    if stateless:
        return stateless_generator(seed, f"tf.image.{api}", device)
    return op_generator(f"tf.image.{api}", seed, device)


def _uniform(api, seed, stateless, device, low, high, shape=()):
    draw = torch.rand(shape, generator=_generator(api, seed, stateless, device), device=device)
    return draw * (high - low) + low


def _flip(image, axis_of, api, seed, stateless):
    x = as_images(image, api)
    axis = axis_of(x)
    if x.dim() == 3:
        return torch.flip(x, dims=(axis,)) if bool(_uniform(api, seed, stateless, x.device, 0.0, 1.0) < 0.5) else x
    flips = torch.round(_uniform(api, seed, stateless, x.device, 0.0, 1.0, (x.shape[0],))).bool()
    return torch.where(flips[:, None, None, None], torch.flip(x, dims=(axis,)), x)


def _range(lower, upper, api):
    if upper <= lower:
        raise ValueError(f"tf.image.{api}: upper must be > lower, received lower={lower}, upper={upper}")
    if lower < 0:
        raise ValueError(f"tf.image.{api}: lower must be non-negative, received {lower}")


def _brightness(image, max_delta, api, seed, stateless):
    if max_delta < 0:
        raise ValueError(f"tf.image.{api}: max_delta must be non-negative, received {max_delta}")
    x = as_images(image, api, ranks=range(0, 9))
    return _color.brightness(x, _uniform(api, seed, stateless, x.device, -max_delta, max_delta))


def _contrast(image, lower, upper, api, seed, stateless):
    _range(lower, upper, api)
    x = as_images(image, api, ranks=range(3, 9))
    return _color.contrast(x, _uniform(api, seed, stateless, x.device, lower, upper))


def _saturation(image, lower, upper, api, seed, stateless):
    _range(lower, upper, api)
    x = as_images(image, api)
    return _color.saturation(x, _uniform(api, seed, stateless, x.device, lower, upper))


def _hue(image, max_delta, api, seed, stateless):
    if not 0 <= max_delta <= 0.5:
        raise ValueError(f"tf.image.{api}: max_delta must be in the interval [0, 0.5], received {max_delta}")
    x = as_images(image, api)
    return _color.hue(x, _uniform(api, seed, stateless, x.device, -max_delta, max_delta))


def _crop(value, size, api, seed, stateless):
    x = tensor(value)
    size = [int(s) for s in (size.tolist() if hasattr(size, "tolist") else size)]
    if len(size) != x.dim() or any(s > d or s < 0 for s, d in zip(size, x.shape)):
        raise ValueError(f"tf.image.{api}: `size` must have one entry per dimension of `value`, none larger "
                         f"than it; received size {size} for value of shape {tuple(x.shape)}")
    generator = _generator(api, seed, stateless, x.device)
    for axis, (want, have) in enumerate(zip(size, x.shape)):
        start = int(torch.randint(0, have - want + 1, (), generator=generator, device=x.device))
        x = x.narrow(axis, start, want)
    return x


def _height_axis(x):
    return spatial_axes(x)[0]


def _width_axis(x):
    return spatial_axes(x)[1]


@user_op
def random_flip_left_right(image, seed=None):
    return _flip(image, _width_axis, "random_flip_left_right", seed, False)


@user_op
def random_flip_up_down(image, seed=None):
    return _flip(image, _height_axis, "random_flip_up_down", seed, False)


@user_op
def random_brightness(image, max_delta, seed=None):
    """Adds one delta drawn from [-max_delta, max_delta) (in the [0, 1] scale for integer images)."""
    return _brightness(image, max_delta, "random_brightness", seed, False)


@user_op
def random_contrast(image, lower, upper, seed=None):
    return _contrast(image, lower, upper, "random_contrast", seed, False)


@user_op
def random_saturation(image, lower, upper, seed=None):
    return _saturation(image, lower, upper, "random_saturation", seed, False)


@user_op
def random_hue(image, max_delta, seed=None):
    return _hue(image, max_delta, "random_hue", seed, False)


@user_op
def random_crop(value, size, seed=None, name=None):
    return _crop(value, size, "random_crop", seed, False)


@user_op
def stateless_random_flip_left_right(image, seed):
    return _flip(image, _width_axis, "stateless_random_flip_left_right", seed, True)


@user_op
def stateless_random_flip_up_down(image, seed):
    return _flip(image, _height_axis, "stateless_random_flip_up_down", seed, True)


@user_op
def stateless_random_brightness(image, max_delta, seed):
    return _brightness(image, max_delta, "stateless_random_brightness", seed, True)


@user_op
def stateless_random_contrast(image, lower, upper, seed):
    return _contrast(image, lower, upper, "stateless_random_contrast", seed, True)


@user_op
def stateless_random_saturation(image, lower, upper, seed):
    return _saturation(image, lower, upper, "stateless_random_saturation", seed, True)


@user_op
def stateless_random_hue(image, max_delta, seed):
    return _hue(image, max_delta, "stateless_random_hue", seed, True)


@user_op
def stateless_random_crop(value, size, seed, name=None):
    return _crop(value, size, "stateless_random_crop", seed, True)
