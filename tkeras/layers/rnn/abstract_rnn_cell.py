"""AbstractRNNCell (tf-keras 2): the base class tf.keras documented for writing one's own cell.

A subclass states its `state_size` and `output_size` and writes `call(inputs, states)` returning
(output, new_states); `RNN` loops it over time. What the base adds is `get_initial_state`: zero states
of the declared sizes, so a subclass need not write one.
"""
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer


class AbstractRNNCell(Layer):
    """Subclass it, define `state_size`, `output_size` and `call(inputs, states)`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def call(self, inputs, states):
        raise NotImplementedError(f"{type(self).__name__} must implement call(inputs, states), returning "
                                  f"(output, new_states)")

    @property
    def state_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define state_size (an int, or a list of "
                                  f"ints with one size per state)")

    @property
    def output_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define output_size (an int)")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zeros of shape (batch, size) for each state; the batch is `batch_size` or `inputs`' first axis."""
        if batch_size is None:
            if inputs is None:
                raise ValueError(f"{type(self).__name__}.get_initial_state needs batch_size or inputs")
            batch_size = inputs.shape[0]
        dtype = config.standardize_dtype(dtype) if dtype is not None else self.torch_dtype
        sizes = self.state_size
        many = isinstance(sizes, (list, tuple))
        states = [torch.zeros((batch_size, int(size)), dtype=dtype, device=config.device())
                  for size in (sizes if many else [sizes])]
        return states if many else states[0]
