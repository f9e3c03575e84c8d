"""Keras 1's Highway and MaxoutDense layers (removed in Keras 2.0), for old scripts that still use them.

- `Highway` (Srivastava et al. 2015): a learned gate t = sigmoid(x W_carry + b_carry) mixes a
  transformed input with the input itself, y = t * activation(x W + b) + (1 - t) * x, so the output
  has the input's width. `transform_bias` (-2) starts the gate mostly closed: the layer first passes
  its input through, which is what lets deep stacks of it train.
- `MaxoutDense` (Goodfellow et al. 2013): `nb_feature` affine maps of the input, and their element-wise
  maximum: a learned piecewise-linear activation.

They keep Keras 1's arguments (`init`, `W_regularizer`, `bias`, `input_dim`, ...) and weight order
(Highway: W, b, W_carry, b_carry; MaxoutDense: W of shape (nb_feature, input_dim, output_dim), b), so
`get_weights`/`set_weights` lists from Keras 1 code fit.
"""
import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.layer import InputSpec, Layer


class _Keras1Dense(Layer):
    """Keras 1's shared argument names for a layer with a weight matrix W and a bias b."""

    def __init__(self, init="glorot_uniform", activation=None, weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.init = initializers.get(init)
        self.activation = activations.get(activation)
        self.W_regularizer = regularizers.get(W_regularizer)
        self.b_regularizer = regularizers.get(b_regularizer)
        self.W_constraint = constraints.get(W_constraint)
        self.b_constraint = constraints.get(b_constraint)
        self.bias = bool(bias)
        self.initial_weights = weights
        self.input_spec = InputSpec(ndim=2)

    def _weight(self, name, shape, initializer, bias=False):
        return self.add_weight(name=name, shape=shape, initializer=initializer,
                               regularizer=self.b_regularizer if bias else self.W_regularizer,
                               constraint=self.b_constraint if bias else self.W_constraint)

    def _input_dim(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: the last dimension of the input must be "
                             f"known, received input shape {tuple(input_shape)}")
        return int(input_dim)

    def _set_initial_weights(self):
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            self.initial_weights = None

    def get_config(self):
        config = super().get_config()
        config.update({
            "init": initializers.serialize(self.init), "activation": activations.serialize(self.activation),
            "W_regularizer": regularizers.serialize(self.W_regularizer),
            "b_regularizer": regularizers.serialize(self.b_regularizer),
            "W_constraint": constraints.serialize(self.W_constraint),
            "b_constraint": constraints.serialize(self.b_constraint), "bias": self.bias})
        return config


class Highway(_Keras1Dense):
    """y = t * activation(x W + b) + (1 - t) * x with the gate t = sigmoid(x W_carry + b_carry)."""

    def __init__(self, init="glorot_uniform", transform_bias=-2, activation=None, **kwargs):
        super().__init__(init=init, activation=activation, **kwargs)
        self.transform_bias = transform_bias

    def build(self, input_shape):
        width = self._input_dim(input_shape)
        self.W = self._weight("W", (width, width), self.init)
        self.b = self._weight("b", (width,), "zeros", bias=True) if self.bias else None
        self.W_carry = self._weight("W_carry", (width, width), self.init)
        self.b_carry = (self._weight("b_carry", (width,), initializers.Constant(self.transform_bias), bias=True)
                        if self.bias else None)
        self.built = True
        self._set_initial_weights()

    def call(self, inputs):
        gate = inputs @ self.W_carry
        transformed = inputs @ self.W
        if self.bias:
            gate = gate + self.b_carry
            transformed = transformed + self.b
        gate = torch.sigmoid(gate)
        return self.activation(transformed) * gate + (1 - gate) * inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["transform_bias"] = self.transform_bias
        return config


class MaxoutDense(_Keras1Dense):
    """The element-wise maximum of `nb_feature` affine maps of the input, each with `output_dim` units."""

    def __init__(self, output_dim, nb_feature=4, init="glorot_uniform", **kwargs):
        super().__init__(init=init, **kwargs)
        self.output_dim = int(output_dim)
        self.nb_feature = int(nb_feature)
        if self.output_dim <= 0 or self.nb_feature <= 0:
            raise ValueError(f"MaxoutDense: output_dim and nb_feature must be positive integers, received "
                             f"output_dim={output_dim!r}, nb_feature={nb_feature!r}")

    def build(self, input_shape):
        width = self._input_dim(input_shape)
        self.W = self._weight("W", (self.nb_feature, width, self.output_dim), self.init)
        self.b = self._weight("b", (self.nb_feature, self.output_dim), "zeros", bias=True) if self.bias else None
        self.built = True
        self._set_initial_weights()

    def call(self, inputs):
        pieces = torch.einsum("bi,fio->bfo", inputs, self.W)
        if self.bias:
            pieces = pieces + self.b
        return pieces.amax(dim=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        config = super().get_config()
        config.update({"output_dim": self.output_dim, "nb_feature": self.nb_feature})
        return config
