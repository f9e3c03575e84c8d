"""SpectralNormalization (Miyato et al., 2018): keep a layer's kernel at spectral norm ~1.

Each training call estimates the kernel's largest singular value sigma by power iteration from the
stored `vector_u` (a non-trainable (1, units) weight), then writes kernel / sigma back into the
wrapped layer's kernel and the new u into `vector_u`, before running the layer. Inference calls run
the layer on the kernel as it is. As in Keras, the write-back happens outside autograd (Keras assigns
the variable), and an all-zero kernel is left alone. Inside a `keras.StatelessScope` (stateless_call)
both writes are recorded by the scope instead, as BatchNormalization's moving statistics are.

The wrapper lists the wrapped kernel among its own weights, as Keras does (`self.kernel =
layer.kernel`): weights are kernel, vector_u, then the layer's others, and a `.keras` file stores the
kernel both under the wrapper and under `layer/`.
"""
import numbers

import torch

from tkeras.backend import config
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.layers.core.wrapper import Wrapper
from tkeras.layers.layer import InputSpec


class SpectralNormalization(Wrapper):
    """Spectral normalization of the `kernel` (or `embeddings`) of the wrapped layer.

    Args:
        layer: a layer with a `kernel` (Dense, Conv2D, ...) or an `embeddings` (Embedding) weight.
        power_iterations: power-iteration steps per training call (>= 1).

    Example:
        >>> dense = SpectralNormalization(keras.layers.Dense(10))
        >>> dense(np.random.rand(2, 4), training=True).shape   # (2, 10), kernel now has norm ~1
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, numbers.Integral) \
                or power_iterations <= 0:
            raise ValueError(f"SpectralNormalization: power_iterations must be a positive integer, received "
                             f"power_iterations={power_iterations!r}")
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"SpectralNormalization {self.name!r}: the wrapped {type(self.layer).__name__} has "
                             f"neither a `kernel` nor an `embeddings` weight to normalize")
        self._own_weights.append(kernel)  # shared with the wrapped layer, as Keras tracks it
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(name="vector_u", shape=(1, kernel.shape[-1]), trainable=False,
                                        initializer=_truncated_normal_002(), dtype=kernel.dtype)
        self.built = True

    def call(self, inputs, training=False):
        if training:
            with torch.no_grad():
                vector_u, kernel = self.normalized_weights()
                # An all-zero kernel has no direction to find: keep it (and u), without a host sync.
                untouched = torch.all(self.kernel == 0)
                vector_u = torch.where(untouched, self.vector_u, vector_u)
                kernel = torch.where(untouched, self.kernel, kernel)
                if active_stateless_scope() is not None:  # keras.StatelessScope: recorded there, not applied
                    self.vector_u.assign(vector_u)
                    self.kernel.assign(kernel)
                else:
                    self.vector_u.copy_(vector_u)
                    self.kernel.copy_(kernel)
        return self.layer(inputs).to(inputs.dtype)

    def normalized_weights(self):
        """(new vector_u, kernel / sigma): `power_iterations` steps of u <- normalize(normalize(u W^T) W)
        on the kernel as a (-1, units) matrix W, and sigma = v W u^T."""
        weights = self.kernel.reshape(-1, self.kernel.shape[-1])
        vector_u = self.vector_u
        for _ in range(self.power_iterations):
            vector_v = _unit(vector_u @ weights.T)
            vector_u = _unit(vector_v @ weights)
        vector_u, vector_v = vector_u.detach(), vector_v.detach()
        sigma = (vector_v @ weights) @ vector_u.T
        kernel = (self.kernel / sigma).reshape(self.kernel.shape)
        return vector_u.to(self.vector_u.dtype), kernel.to(self.kernel.dtype)

    def normalize_weights(self):
        """tf-keras 2's spelling: (kernel / sigma, new vector_u), the pair `normalized_weights` returns in
        Keras 3's order reversed. Nothing is assigned; training calls update the weights."""
        vector_u, kernel = self.normalized_weights()
        return kernel, vector_u

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config_ = super().get_config()
        config_["power_iterations"] = self.power_iterations
        return config_


def _unit(x):
    """x over its L2 norm (all elements), the inverse norm capped at 1/epsilon as Keras' `normalize`."""
    return x * torch.clamp(torch.rsqrt(x.square().sum()), max=1.0 / config.epsilon())


def _truncated_normal_002():
    from tkeras import initializers
    return initializers.TruncatedNormal(stddev=0.02)
