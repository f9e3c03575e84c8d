"""PReLU: a leaky ReLU whose slopes are learned, one per input element unless `shared_axes` ties them
(e.g. shared_axes=[1, 2] for one slope per conv channel). Keras 1's `init=` names the initializer."""
import torch

from tkeras import constraints, initializers, regularizers
from tkeras.layers.layer import InputSpec, Layer


class PReLU(Layer):
    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        alpha_initializer = kwargs.pop("init", alpha_initializer)
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = [int(a) for a in (shared_axes if isinstance(shared_axes, (list, tuple)) else [shared_axes])]
        self.supports_masking = True

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"PReLU layer {self.name!r}: shared_axes={self.shared_axes} must be axes of the "
                                 f"input (1..{len(input_shape) - 1}), received input shape {tuple(input_shape)}")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU layer {self.name!r}: every non-shared axis needs a known size, received "
                             f"input shape {tuple(input_shape)}; share the unknown axes with shared_axes")
        self.alpha = self.add_weight(name="alpha", shape=shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in (self.shared_axes or [])}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return torch.where(inputs > 0, inputs, inputs * self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config
