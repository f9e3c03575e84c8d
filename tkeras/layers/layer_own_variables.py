"""Keras 3's per-layer variable hooks: `save_own_variables(store)` / `load_own_variables(store)`.

A file holds each layer's own variables under the keys "0", "1", ... in `layer.weights` order (those
trainable when made first, then the rest, in creation order: layers/weight_order.py). The base versions
below do exactly that, so a subclass can override them to keep extra state beside its weights and
still call `super()` for the weights themselves; the saving code asks a layer to store itself only
when it overrides one of them.
"""
import numpy as np
import torch

from tkeras.layers.weight_order import own_in_keras_order


class OwnVariablesMixin:
    def _own_variables_in_file_order(self):
        return own_in_keras_order(getattr(self, "_own_weights", []))

    def save_own_variables(self, store):
        """Put this layer's own variables (not its sublayers') into `store` under "0", "1", ..."""
        for index, variable in enumerate(self._own_variables_in_file_order()):
            store[str(index)] = variable.detach().cpu().numpy()

    def load_own_variables(self, store):
        """Assign this layer's own variables from `store`'s "0", "1", ... after checking count and shapes."""
        variables = self._own_variables_in_file_order()
        keys = sorted((key.decode() if isinstance(key, bytes) else str(key) for key in store.keys()))
        expected = [str(index) for index in range(len(variables))]
        if keys != sorted(expected):
            raise ValueError(f"Layer {self.name!r} expected {len(variables)} variables (keys {expected}) in the "
                             f"store, received the keys {keys}")
        arrays = [np.asarray(store[key]) for key in expected]
        for key, variable, array in zip(expected, variables, arrays):
            if tuple(array.shape) != tuple(variable.shape):
                raise ValueError(f"Layer {self.name!r}: variable {key} ({getattr(variable, 'path', variable.name)}) "
                                 f"has shape {tuple(variable.shape)}, the store holds shape {tuple(array.shape)}")
        with torch.no_grad():
            for variable, array in zip(variables, arrays):
                variable.assign(array)


def overrides_own_variables(layer):
    """Whether `layer`'s class replaces one of the base hooks (then it names its own datasets). Hooks
    marked `_plain_layout` (LoRA's, layers/lora.py) count only while the layer has LoRA enabled."""
    cls = type(layer)
    if getattr(layer, "lora_enabled", False):
        return True
    return _replaced(cls.save_own_variables, OwnVariablesMixin.save_own_variables) or \
        _replaced(cls.load_own_variables, OwnVariablesMixin.load_own_variables)


def _replaced(method, base):
    return method is not base and not getattr(method, "_plain_layout", False)
