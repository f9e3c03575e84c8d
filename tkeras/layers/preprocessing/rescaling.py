"""`Rescaling`: `x * scale + offset` inside the model, typically raw pixels [0, 255] -> [0, 1] or [-1, 1].

Kept as a layer (rather than a NumPy step before `fit`) so that a saved image model takes the same
raw images at serving time. Integer inputs (uint8 images) become the layer's float dtype first.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._data_layer import DataLayerMethods


class Rescaling(DataLayerMethods, Layer):
    """Multiply by `scale`, then add `offset`; both a number or a per-channel sequence.

    Example: `Rescaling(1. / 255)` maps [0, 255] to [0, 1]; `Rescaling(1. / 127.5, offset=-1)` to [-1, 1].
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("scale", scale), ("offset", offset)):
            array = np.asarray(value)
            if array.dtype.kind not in "biuf":
                raise ValueError(f"Rescaling: `{argument}` must be a number or a sequence of numbers, "
                                 f"received {value!r}")
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self._constants = None

    def _scale_and_offset(self, dtype, device):
        if self._constants is None or self._constants[0].dtype != dtype or self._constants[0].device != device:
            values = []
            for value in (self.scale, self.offset):
                tensor = torch.as_tensor(np.asarray(value, dtype=np.float64), dtype=dtype, device=device)
                if tensor.dim() > 0 and config.image_data_format() == "channels_first":
                    # Per-channel values broadcast over (channels, height, width).
                    tensor = tensor.reshape(tuple(tensor.shape) + (1,) * (3 - tensor.dim()))
                values.append(tensor)
            self._constants = tuple(values)
        return self._constants

    def call(self, inputs):
        dtype = config.standardize_dtype(self.compute_dtype)
        if isinstance(inputs, (list, tuple)):
            inputs = _stacked(self.name, inputs)
        inputs = inputs.to(dtype)
        scale, offset = self._scale_and_offset(dtype, inputs.device)
        return inputs * scale + offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"scale": _plain(self.scale), "offset": _plain(self.offset)})
        return config_


def _plain(value):
    """A JSON-friendly number or list (NumPy arrays and scalars become Python values)."""
    return np.asarray(value).tolist() if isinstance(value, (np.ndarray, np.generic)) else value


def _stacked(layer_name, images):
    """A Python list of same-sized images (sklearn's `load_sample_images()["images"]`) is one batch, as
    Keras converts it to a single tensor before scaling."""
    tensors = [torch.as_tensor(np.asarray(image)) if not isinstance(image, torch.Tensor) else image
               for image in images]
    if len({tuple(t.shape) for t in tensors}) > 1:
        raise ValueError(f"Rescaling layer {layer_name!r}: a list of images is stacked into one batch, so they "
                         f"must share a shape; received shapes {[tuple(t.shape) for t in tensors]}")
    device = next((t.device for t in tensors if t.device.type != "cpu"), config.device())
    return torch.stack([t.to(device) for t in tensors])
