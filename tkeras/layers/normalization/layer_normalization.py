"""LayerNormalization: normalize each sample over `axis` (default the features), Keras' epsilon 1e-3.

When the normalized axes are the trailing ones, which is nearly always, torch's fused
`F.layer_norm` computes exactly Keras' formula (biased variance, epsilon inside the square root).
`rms_scaling=True` follows Keras: scale by 1/sqrt(var + eps) and gamma, without centering.
"""
import torch
import torch.nn.functional as F

from tkeras.layers.layer import Layer
from tkeras.layers.normalization._axes import broadcast_shape, normalize_axes, param_shape
from tkeras.layers.normalization._gamma_beta import GammaBeta
from tkeras.layers.normalization._statistics import LOW_PRECISION as _LOW_PRECISION


class LayerNormalization(GammaBeta, Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        # Keras 3.15.1 and tf-keras 2 both put beta_initializer fifth; rms_scaling comes by keyword only.
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self._set_gamma_beta_options(beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                     beta_constraint, gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        self._axes = normalize_axes(self.axis, ndim, self)
        shape = param_shape(input_shape, self._axes, self)
        self._add_gamma_beta(shape, scale=self.scale or self.rms_scaling, center=self.center and not self.rms_scaling)
        self._trailing = self._axes == list(range(ndim - len(self._axes), ndim))
        self._shape = shape
        self._bshape = broadcast_shape(ndim, self._axes, shape)
        self.built = True

    def call(self, inputs):
        x = inputs.float() if inputs.dtype in _LOW_PRECISION else inputs
        if self._trailing and not self.rms_scaling:
            outputs = F.layer_norm(x, self._shape, self.gamma, self.beta, self.epsilon)
        else:
            variance, mean = torch.var_mean(x, dim=self._axes, correction=0, keepdim=True)
            outputs = x * torch.rsqrt(variance + self.epsilon) if self.rms_scaling else \
                (x - mean) * torch.rsqrt(variance + self.epsilon)
            if self.gamma is not None:
                outputs = outputs * self.gamma.reshape(self._bshape)
            if self.beta is not None:
                outputs = outputs + self.beta.reshape(self._bshape)
        return outputs.to(inputs.dtype) if outputs.dtype != inputs.dtype else outputs

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
