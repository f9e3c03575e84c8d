"""ThresholdedReLU (tf-keras 2): x where x > theta, else 0.

Keras 3 dropped the layer for `ReLU(threshold=theta)`, which differs only at x == theta (ReLU keeps
that point, this layer zeroes it); the tf-keras class is kept so Keras 2 models and configs load as
they were trained.
"""
import numbers

import torch

from tkeras.layers.layer import Layer


class ThresholdedReLU(Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(theta, bool) or not isinstance(theta, numbers.Real) or not theta >= 0:
            raise ValueError(f"ThresholdedReLU: theta must be a number >= 0 (the threshold), "
                             f"received theta={theta!r}")
        self.theta = float(theta)
        self.supports_masking = True

    def call(self, inputs):
        return torch.where(inputs > self.theta, inputs, torch.zeros((), dtype=inputs.dtype, device=inputs.device))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config
