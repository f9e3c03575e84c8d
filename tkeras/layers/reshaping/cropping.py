"""Cropping1D/2D/3D: remove rows/columns from the ends of the spatial axes (the inverse of ZeroPadding)."""
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.reshaping.zero_padding import normalize_pairs


class _Cropping(Layer):
    rank = None

    def __init__(self, cropping=1, data_format=None, **kwargs):
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        super().__init__(**kwargs)
        label = type(self).__name__
        self._pairs = normalize_pairs(cropping, self.rank, "cropping", label)
        # Keras keeps the 1D layer's cropping as one (before, after) pair, the others as one pair per axis.
        self.cropping = self._pairs[0] if self.rank == 1 else self._pairs
        self.data_format = "channels_last" if self.rank == 1 else utils.normalize_data_format(data_format, label)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _check(self, spatial):
        for n, (b, a) in zip(spatial, self._pairs):
            if n is not None and n - b - a <= 0:
                shown = self.cropping
                raise ValueError(f"{type(self).__name__} layer {self.name!r}: cropping {shown} leaves "
                                 f"nothing of an input with spatial size {tuple(spatial)}")

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        spatial = tuple(inputs.shape[first:first + self.rank])
        self._check(spatial)
        index = [slice(None)] * inputs.dim()
        for i, (n, (b, a)) in enumerate(zip(spatial, self._pairs)):
            index[first + i] = slice(b, n - a)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = utils.spatial_dims(input_shape, self.rank, self.data_format)
        self._check(spatial)
        out = [None if n is None else n - b - a for n, (b, a) in zip(spatial, self._pairs)]
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        return utils.with_spatial(input_shape, out, channels, self.data_format)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, None, **kwargs)


class Cropping2D(_Cropping):
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
