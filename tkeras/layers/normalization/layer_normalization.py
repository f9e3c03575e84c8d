"""LayerNormalization: normalize each sample over `axis` (default the features), Keras' epsilon 1e-3.

When the normalized axes are the trailing ones, which is nearly always, torch's fused
`F.layer_norm` computes exactly Keras' formula (biased variance, epsilon inside the square root).
`rms_scaling=True` follows Keras: scale by 1/sqrt(var + eps) and gamma, without centering.
"""
import numbers

import torch
import torch.nn.functional as F

from tkeras.layers.layer import Layer
from tkeras.layers.normalization._axes import broadcast_shape, normalize_axes, param_shape
from tkeras.layers.normalization._gamma_beta import GammaBeta
from tkeras.layers.normalization._statistics import LOW_PRECISION as _LOW_PRECISION, to_compute_dtype


class LayerNormalization(GammaBeta, Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        # Keras 3.15.1 and tf-keras 2 both put beta_initializer fifth; rms_scaling comes by keyword only.
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        self.axis = _checked_axis(axis, self)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self._set_gamma_beta_options(beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                     beta_constraint, gamma_constraint)
        self.supports_masking = True
        # The weights stay float32 inside an autocast region and the inputs keep their dtype, so the
        # statistics of half-precision activations are taken in full precision (see `call`).
        self.autocast = False

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = normalize_axes(self.axis, ndim, self)
        # From here on the axis is a list, sorted as given (negative values kept), as Keras stores it
        # and writes it to configs, so that configs of built layers read the same in both.
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = param_shape(input_shape, self._axes, self)
        self._add_gamma_beta(shape, scale=self.scale or self.rms_scaling, center=self.center and not self.rms_scaling)
        self._trailing = self._axes == list(range(ndim - len(self._axes), ndim))
        self._shape = shape
        self._bshape = broadcast_shape(ndim, self._axes, shape)
        self.built = True

    def call(self, inputs):
        x = inputs.float() if inputs.dtype in _LOW_PRECISION else inputs
        if self._trailing and not self.rms_scaling:
            gamma, beta = self.gamma, self.beta
            if gamma is not None and gamma.dtype != x.dtype or beta is not None and beta.dtype != x.dtype:
                gamma = None if gamma is None else gamma.to(x.dtype)  # float64 inputs to a float32 layer
                beta = None if beta is None else beta.to(x.dtype)
            outputs = F.layer_norm(x, self._shape, gamma, beta, self.epsilon)
        else:
            variance, mean = torch.var_mean(x, dim=self._axes, correction=0, keepdim=True)
            outputs = x * torch.rsqrt(variance + self.epsilon) if self.rms_scaling else \
                (x - mean) * torch.rsqrt(variance + self.epsilon)
            if self.gamma is not None:
                outputs = outputs * self.gamma.reshape(self._bshape)
            if self.beta is not None:
                outputs = outputs + self.beta.reshape(self._bshape)
        return to_compute_dtype(outputs, self)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **self._gamma_beta_initializer_config(),
            **self._gamma_beta_penalty_config(),
        })
        return config


def _checked_axis(axis, layer):
    """An int stays an int until build; a tuple or list becomes a list of ints."""
    if _is_int(axis):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(_is_int(a) for a in axis):
        return [int(a) for a in axis]
    raise TypeError(f"LayerNormalization layer {layer.name!r}: axis must be an int or a non-empty list/tuple "
                    f"of ints, received {axis!r}")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
