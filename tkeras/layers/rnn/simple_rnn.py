"""SimpleRNN: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`."""
import torch

from tkeras import activations
from tkeras.layers.rnn import _fused
from tkeras.layers.rnn._cell_base import RecurrentCell, RecurrentLayer, apply_keras1_names


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected recurrence; weights `kernel`, `recurrent_kernel`, `bias`."""

    def __init__(self, units=None, activation="tanh", use_bias=True, **kwargs):
        apply_keras1_names(kwargs)
        units = kwargs.pop("units", units)
        super().__init__(units=units, activation=activation, use_bias=use_bias, **kwargs)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._make_weights(input_shape, 1, (self.units,))
        self.built = True

    def call(self, inputs, states, training=None):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        input_mask, state_mask = self._step_masks(inputs, previous, training)
        if input_mask is not None:
            inputs = inputs * input_mask
        if state_mask is not None:
            previous = previous * state_mask
        z = inputs @ self.kernel
        if self.bias is not None:
            z = z + self.bias
        output = self.activation(z + previous @ self.recurrent_kernel)
        # The new state comes back as the old one came in: a list for a list, a bare tensor for a bare
        # tensor (`out, h = cell(x_t, h)` keeps `h` a tensor), as in Keras 3 and tf-keras.
        return output, [output] if isinstance(states, (list, tuple)) else output


class SimpleRNN(RecurrentLayer):
    """Runs in torch's fused `rnn_tanh`/`rnn_relu` kernel when the activation is tanh or relu."""

    _CONFIG_OMITS = ("seed",)  # as Keras 3 writes it

    cell_class = SimpleRNNCell

    def __init__(self, units=None, activation="tanh", use_bias=True, **kwargs):
        kwargs.setdefault("units", units)
        super().__init__(activation=activation, use_bias=use_bias, **kwargs)

    def _fused_mode(self, training):
        cell = self.cell
        if training and cell.recurrent_dropout > 0:
            return None
        if cell.activation in (activations.tanh, torch.tanh):
            return "rnn_tanh"
        if cell.activation in (activations.relu, torch.relu):
            return "rnn_relu"
        return None

    def _torch_weights(self):
        cell = self.cell
        return _fused.simple_rnn_weights(cell.kernel, cell.recurrent_kernel, cell.bias)
