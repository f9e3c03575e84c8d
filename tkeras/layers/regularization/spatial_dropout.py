"""SpatialDropout1D/2D/3D: drop whole feature maps (one keep/drop draw per sample and channel).

Neighbouring steps/pixels of a feature map are strongly correlated, so element-wise dropout barely
regularizes conv features; dropping the entire channel does. Scaling by 1/(1-rate) as Dropout. Masks
come from the layer's seed stream when made with `seed=`, else from torch's global generator
(tkeras.ops.seed_generator.layer_generator).
"""
import torch

from tkeras.layers.convolutional import _conv_utils as utils
from tkeras.layers.layer import InputSpec, Layer
from tkeras.ops.seed_generator import SeedGenerator, layer_generator


class BaseSpatialDropout(Layer):
    rank = None

    def __init__(self, rate=None, data_format=None, seed=None, **kwargs):
        rate = kwargs.pop("p", rate)  # Keras 1
        if kwargs.pop("noise_shape", None) is not None:  # tf-keras 2 writes its Dropout base's noise_shape
            raise ValueError(f"{type(self).__name__}: noise_shape is fixed by the layer (whole feature maps)")
        data_format = utils.pop_keras1_dim_ordering(kwargs, data_format)
        super().__init__(**kwargs)
        if rate is None or not 0 <= float(rate) <= 1:
            raise ValueError(f"{type(self).__name__}: rate must be a number in [0, 1], received rate={rate!r}")
        self.rate = float(rate)
        self.seed = seed
        if self.rate > 0:  # as Keras: its state is layer state (`variables`), never saved
            self.seed_generator = SeedGenerator(seed)
        self.noise_shape = None  # Keras' attribute; the mask always spans whole feature maps here
        self.data_format = "channels_last" if self.rank == 1 else utils.normalize_data_format(
            data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        shape = list(inputs.shape)
        spatial = range(2, 2 + self.rank) if self.data_format == "channels_first" else range(1, 1 + self.rank)
        for axis in spatial:
            shape[axis] = 1
        if self.rate == 1.0:
            return inputs * 0.0
        generator = layer_generator(self.seed_generator, inputs.device)
        keep = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
        keep.bernoulli_(1.0 - self.rate, generator=generator)
        return inputs * keep * (1.0 / (1.0 - self.rate))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base = super().get_config()
        # Keras 3's order and keys: the layer's own arguments, then name and dtype (no `trainable`).
        config = {"rate": self.rate, "seed": self.seed, "name": base["name"], "dtype": base["dtype"]}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(BaseSpatialDropout):
    rank = 1

    def __init__(self, rate=None, seed=None, **kwargs):
        super().__init__(rate, None, seed, **kwargs)


class SpatialDropout2D(BaseSpatialDropout):
    rank = 2


class SpatialDropout3D(BaseSpatialDropout):
    rank = 3
