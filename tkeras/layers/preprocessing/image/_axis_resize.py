"""What tf-keras' RandomHeight and RandomWidth share: stretch or squeeze a batch along one axis.

tf-keras draws one factor per batch (not per image, since a batch must keep one size) from
[1 + lower, 1 + upper], truncates factor * size to an integer and resizes with `tf.image.resize`'s
sampling (half-pixel centres, no antialiasing; `ops.image.resize`'s, the same for 'bilinear' and
'nearest'). The layers know only channels_last, as in tf-keras; Keras 3 has no such layers.
"""
import numbers

from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.ops.image import resize_nchw


def axis_factor_range(layer_name, factor):
    """tf-keras' reading of `factor`: f means (-f, f); a pair is (lower, upper), in that order."""
    if isinstance(factor, (list, tuple)) and len(factor) == 2:
        lower, upper = factor
    elif isinstance(factor, numbers.Real) and not isinstance(factor, bool):
        lower, upper = -factor, factor
    else:
        raise ValueError(f"{layer_name}: `factor` must be a number or a (lower, upper) pair, received {factor!r}")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (lower, upper)):
        raise ValueError(f"{layer_name}: `factor` must hold numbers, received {factor!r}")
    if upper < lower:
        raise ValueError(f"{layer_name}: `factor`'s upper bound must not be below its lower bound, "
                         f"received factor={factor!r}")
    if lower < -1.0:
        raise ValueError(f"{layer_name}: `factor` must stay at or above -1 (a size cannot shrink by more "
                         f"than 100%), received factor={factor!r}")
    return float(lower), float(upper)


class RandomAxisResize(ops.RandomImageLayer):
    """Base of RandomHeight (axis 0 of the image) and RandomWidth (axis 1)."""

    _owns_seed_generator = False  # no generator in Keras (tf-keras 2's layer: none in `variables`)

    axis = None  # 0: height, 1: width

    def __init__(self, factor, interpolation="bilinear", seed=None, **kwargs):
        super().__init__(seed=seed, data_format="channels_last", **kwargs)
        name = type(self).__name__
        self.factor = factor
        self.lower, self.upper = axis_factor_range(name, factor)
        self.interpolation = ops.check_choice(name, "interpolation", interpolation, ops.INTERPOLATIONS)

    def augment(self, images):  # (N, C, H, W)
        size = list(images.shape[-2:])
        factor = float(self.uniform((), 1.0 + self.lower, 1.0 + self.upper))
        size[self.axis] = max(int(factor * size[self.axis]), 1)
        return resize_nchw(images, tuple(size), self.interpolation)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[len(shape) - 3 + self.axis] = None  # the size is drawn per batch
        return tuple(shape)

    def get_config(self):
        config_ = super().get_config()
        config_.pop("data_format", None)  # tf-keras' layers have no data_format
        config_.update({"factor": ops.plain(self.factor), "interpolation": self.interpolation, "seed": self.seed})
        return config_
