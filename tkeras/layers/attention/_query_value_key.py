"""What MultiHeadAttention and GroupQueryAttention share before any attention is computed.

Both are called as `layer(query, value, key=None, ...)` and need all three shapes to build their
projections, so they build in `__call__` rather than from the first input alone, remember the shapes
for Keras' `build_config` (`shapes_dict`), and rebuild from it on load.
"""
import numbers

import torch

from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import is_symbolic, on_compute_device, to_torch


def batch_shape(value):
    """The shape `build` sees: batch axis unknown (KerasTensor, tensor, NumPy array or nested list)."""
    if value is None:
        return None
    shape = tuple(value.shape) if hasattr(value, "shape") else tuple(torch.as_tensor(value).shape)
    return (None,) + tuple(None if d is None else int(d) for d in shape[1:])


def positive_int(value, argument, label):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{label}: {argument} must be a positive integer, received {argument}={value!r}")
    return int(value)


class QueryValueKeyLayer(Layer):
    """Base of the attention layers that take (query, value, key); `_label` names them in errors."""

    _label = "Attention"

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise ValueError(f"{self._label} {self.name!r}: call it as layer(query, value) or "
                             f"layer(query, value, key); `value` is missing (for self-attention pass the "
                             f"same tensor twice)")
        if not self.built:
            self._build_for_shapes(batch_shape(query), batch_shape(value), batch_shape(key))
        if not is_symbolic(query) and not is_symbolic(value):
            value = self._as_tensor(value)
            key = None if key is None else self._as_tensor(key)
        if key is not None:
            kwargs["key"] = key
        return super().__call__(query, value, **kwargs)

    def _as_tensor(self, value):
        if isinstance(value, torch.Tensor):
            return on_compute_device(value)
        return to_torch(value, self.dtype, self.name)

    def _build_for_shapes(self, query_shape, value_shape, key_shape=None):
        self.build(query_shape, value_shape, key_shape)
        self.built = True
        self._build_input_shape = tuple(query_shape)
        self._build_shapes = {"query_shape": tuple(query_shape), "value_shape": tuple(value_shape)}
        if key_shape is not None:
            self._build_shapes["key_shape"] = tuple(key_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _build_from_shape(self, input_shape):
        # Reached only when something builds the layer from one shape (a list means [query, value, key]).
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            self._build_for_shapes(*input_shape[:3])
        else:
            self._build_for_shapes(input_shape, input_shape)

    def get_build_config(self):
        if self._build_shapes is None:
            return None
        return {"shapes_dict": {k: list(v) for k, v in self._build_shapes.items()}}

    def build_from_config(self, build_config):
        if not build_config or self.built:
            return
        shapes = build_config.get("shapes_dict")
        if shapes:
            self._build_for_shapes(shapes["query_shape"], shapes["value_shape"], shapes.get("key_shape"))
        elif build_config.get("input_shape") is not None:
            self._build_from_shape(build_config["input_shape"])
