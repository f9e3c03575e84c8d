"""GlobalMax/AveragePooling1D/2D/3D: reduce every spatial axis, optionally keeping them as size 1.

GlobalAveragePooling1D honours a sequence mask (from Embedding(mask_zero=True) or Masking) by
averaging over the real steps only, as Keras does; the mask stops here (the output has no steps).
"""
import torch

from tkeras.backend import config
from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer


class BaseGlobalPooling(Layer):
    rank = None
    mode = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        if self.rank == 1:
            utils.pop_keras1_input_length(kwargs)
            if data_format is None:
                data_format = config.one_d_data_format()  # Keras 1's 'th' ordering left 1-D layers alone
        super().__init__(**kwargs)
        self.data_format = utils.normalize_data_format(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        first = 2 if self.data_format == "channels_first" else 1
        self._axes = tuple(range(first, first + self.rank))

    def call(self, inputs):
        if self.mode == "max":
            return torch.amax(inputs, dim=self._axes, keepdim=self.keepdims)
        return torch.mean(inputs, dim=self._axes, keepdim=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in self._axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalMaxPooling1D(BaseGlobalPooling):
    rank, mode = 1, "max"


class GlobalAveragePooling1D(BaseGlobalPooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 1, "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps_axis = self._axes[0]
        weights = mask.to(device=inputs.device, dtype=inputs.dtype).unsqueeze(2 if steps_axis == 1 else 1)
        total = torch.sum(inputs * weights, dim=steps_axis, keepdim=self.keepdims)
        return total / torch.sum(weights, dim=steps_axis, keepdim=self.keepdims)


class GlobalMaxPooling2D(BaseGlobalPooling):
    rank, mode = 2, "max"


class GlobalAveragePooling2D(BaseGlobalPooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 2, "average"


class GlobalMaxPooling3D(BaseGlobalPooling):
    rank, mode = 3, "max"


class GlobalAveragePooling3D(BaseGlobalPooling):
    _casts_integer_inputs = True  # float arithmetic (see Layer)
    rank, mode = 3, "average"


GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
