"""UpSampling1D/2D/3D: repeat steps/rows/columns `size` times ('nearest'), or bilinear for 2-D.

Bilinear resizing follows TensorFlow 2's tf.image.resize (half-pixel centres), which is torch's
`interpolate(..., align_corners=False)`.
"""
import torch.nn.functional as F

from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer


class UpSampling1D(Layer):
    def __init__(self, size=2, **kwargs):
        size = kwargs.pop("length", size)  # Keras 1
        super().__init__(**kwargs)
        self.size = utils.normalize_tuple(size, 1, "size", "UpSampling1D")[0]
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return inputs.repeat_interleave(self.size, dim=1)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


class _UpSamplingND(Layer):
    rank = None

    def __init__(self, size=2, data_format=None, interpolation="nearest", **kwargs):
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        super().__init__(**kwargs)
        label = type(self).__name__
        self.size = utils.normalize_tuple(size, self.rank, "size", label)
        self.data_format = utils.normalize_data_format(data_format, label)
        allowed = ("nearest", "bilinear") if self.rank == 2 else ("nearest",)
        self.interpolation = utils.normalize_choice(interpolation, label, "interpolation", allowed)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        x = inputs if self.data_format == "channels_first" else inputs.movedim(-1, 1)
        if self.interpolation == "nearest":
            for axis, factor in enumerate(self.size, start=2):
                if factor != 1:
                    x = x.repeat_interleave(factor, dim=axis)
        else:
            x = F.interpolate(x, scale_factor=self.size, mode="bilinear", align_corners=False)
        return x if self.data_format == "channels_first" else x.movedim(1, -1)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        out = [None if n is None else n * f for n, f in zip(spatial, self.size)]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        return utils.with_spatial(input_shape, out, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        if self.rank == 2:
            config["interpolation"] = self.interpolation
        return config


class UpSampling2D(_UpSamplingND):
    rank = 2


class UpSampling3D(_UpSamplingND):
    rank = 3

    def __init__(self, size=2, data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
