"""StackedRNNCells: several cells used as one (`RNN([cell1, cell2])`), each step feeding the next.

The states of all cells are kept as one flat list (first cell's states first), so the RNN wrapper
treats the stack like any single cell.
"""
from tkeras.layers.layer import Layer


def _sizes(cell):
    size = cell.state_size
    return [size] if isinstance(size, int) else list(size)


class StackedRNNCells(Layer):
    def __init__(self, cells=None, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells or [])
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(f"StackedRNNCells: every cell needs `call` and `state_size`, received {cell!r}")
        self.cells = cells

    @property
    def state_size(self):
        return [size for cell in self.cells for size in _sizes(cell)]

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", None) or _sizes(last)[0]

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._build_from_shape(shape)
            size = getattr(cell, "output_size", None) or _sizes(cell)[0]
            shape = (shape[0], size)
        self.built = True

    def call(self, inputs, states, training=None):
        new_states, offset = [], 0
        for cell in self.cells:
            count = len(_sizes(cell))
            own = list(states[offset:offset + count])
            offset += count
            kwargs = {"training": training} if getattr(cell, "_call_takes_training", False) else {}
            step = cell.call if isinstance(cell, Layer) else cell
            inputs, own_new = step(inputs, own, **kwargs)
            new_states.extend(own_new if isinstance(own_new, (list, tuple)) else [own_new])
        return inputs, new_states

    def get_initial_state(self, batch_size=None):
        """One entry per cell: the cell's own `get_initial_state(batch_size)` where it has one (an LSTM
        cell's [h, c]), else zeros of (batch_size, size) — one tensor for an int `state_size`, a list
        for a list of sizes."""
        import torch
        from tkeras.backend import config as backend_config
        dtype = backend_config.standardize_dtype(self.compute_dtype)
        states = []
        for cell in self.cells:
            own = getattr(cell, "get_initial_state", None)
            if own is not None:
                states.append(own(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(torch.zeros((batch_size, cell.state_size), dtype=dtype))
            else:
                states.append([torch.zeros((batch_size, size), dtype=dtype) for size in _sizes(cell)])
        return states

    # The RNN wrapper keeps the stack's states flat, so it makes its own zeros (base_rnn.get_initial_state).
    get_initial_state._zero_states = True

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
