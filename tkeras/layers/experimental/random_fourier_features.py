"""tf-keras 2's `layers.experimental.RandomFourierFeatures`: a random feature map whose inner products
approximate an RBF kernel (Rahimi & Recht), so that a linear model on its output behaves like a kernel
machine (the keras.io "kernel approximation" example puts a Dense layer and a hinge loss after it).

`cos(x @ (unscaled_kernel / kernel_scale) + bias)` with the kernel drawn once, from N(0, 1) for the
Gaussian kernel or a standard Cauchy for the Laplacian one, and the bias from U(0, 2 pi); both stay
frozen. Only `kernel_scale` (the kernel width, kept non-negative) can learn, and only when the layer
is built with `trainable=True`. Keras 3 dropped the layer; tkeras keeps it under the tf-keras name.
"""
import math

import numpy as np
import torch

from tkeras import initializers
from tkeras.layers.layer import InputSpec, Layer

KERNELS = ("gaussian", "laplacian")


class RandomFourierFeatures(Layer):
    def __init__(self, output_dim, kernel_initializer="gaussian", scale=None, trainable=False, name=None, **kwargs):
        if output_dim <= 0:
            raise ValueError(f"`output_dim` should be a positive integer. Received: {output_dim}")
        if isinstance(kernel_initializer, str) and kernel_initializer.lower() not in KERNELS:
            raise ValueError(f"Unsupported `kernel_initializer`: {kernel_initializer} Expected one of: "
                             f"{list(KERNELS)}")
        if scale is not None and scale <= 0.0:
            raise ValueError(f"When provided, `scale` should be a positive float. Received: {scale}")
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.output_dim = output_dim
        self.kernel_initializer = kernel_initializer
        self.scale = scale

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"The rank of the input tensor should be 2. Received input with rank "
                             f"{len(input_shape)} instead. Full input shape received: {input_shape}")
        input_dim = input_shape[1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the input tensor should be defined. Found `None`. "
                             f"Full input shape received: {input_shape}")
        self.input_spec = InputSpec(ndim=2, axes={1: input_dim})
        # Created in tf-keras' order; `weights` then lists kernel_scale first (trainable weights lead).
        self.unscaled_kernel = self.add_weight(name="unscaled_kernel", shape=(input_dim, self.output_dim),
                                               initializer=_kernel_initializer(self.kernel_initializer),
                                               dtype="float32", trainable=False)
        self.bias = self.add_weight(name="bias", shape=(self.output_dim,), dtype="float32", trainable=False,
                                    initializer=initializers.RandomUniform(minval=0.0, maxval=2 * np.pi))
        if self.scale is None:
            gaussian = isinstance(self.kernel_initializer, str) and self.kernel_initializer.lower() == "gaussian"
            self.scale = math.sqrt(input_dim / 2.0) if gaussian else 1.0
        self.kernel_scale = self.add_weight(name="kernel_scale", shape=(1,), dtype="float32", trainable=True,
                                            initializer=initializers.Constant(self.scale), constraint="NonNeg")
        self.built = True

    def call(self, inputs):
        inputs = inputs.to(torch.float32)
        kernel = (1.0 / self.kernel_scale) * self.unscaled_kernel
        return torch.cos(torch.addmm(self.bias, inputs, kernel))

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"The last dimension of the input tensor should be defined. Found `None`. "
                             f"Full input shape received: {tuple(input_shape)}")
        return (input_shape[0], self.output_dim)

    def get_config(self):
        kernel_initializer = self.kernel_initializer
        if not isinstance(kernel_initializer, str):
            kernel_initializer = initializers.serialize(kernel_initializer)
        return {**super().get_config(), "output_dim": self.output_dim, "kernel_initializer": kernel_initializer,
                "scale": self.scale}


def _kernel_initializer(initializer):
    if not isinstance(initializer, str):
        return initializer
    if initializer.lower() == "gaussian":
        return initializers.RandomNormal(stddev=1.0)

    def cauchy(shape, dtype=None):
        # tf-keras draws these from NumPy's global generator, so np.random.seed() fixes them as there.
        samples = np.tan(np.pi * (np.random.uniform(0.0, 1.0, size=shape) - 0.5))
        return torch.as_tensor(samples, dtype=torch.float32)

    return cauchy
