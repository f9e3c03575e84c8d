"""ConvLSTM1D/2D/3D: `RNN(ConvLSTMCell(...))` with the cell's arguments on the layer, as Keras 3 has it.

The per-step loop of `RNN` would convolve the input once per step; here the input convolution of all
steps is one call over batch*time (`ConvLSTMCell.input_gates`) and the loop runs only the recurrent
convolution and the gate arithmetic, on channels_first tensors (torch's layout) whatever the
data_format. States go in and come out (`initial_state`, `return_state`, `stateful`) in the layer's
data_format. Masked steps keep the previous output and states, as in `RNN`.
"""
import torch

from tkeras import regularizers
from tkeras.layers.layer import InputSpec
from tkeras.layers.rnn.base_rnn import RNN, _expand
from tkeras.layers.rnn.conv_lstm_cell import ConvLSTMCell, _channels_first_masks

# Keras writes the cell's arguments into the layer's config in this order, activity_regularizer among them.
_CELL_KEYS_BEFORE_ACTIVITY = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                              "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                              "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer")


class ConvLSTM(RNN):
    """N-D convolutional LSTM; ConvLSTM1D/2D/3D fix `rank`.

    Args:
        filters, kernel_size, strides, padding ('valid' or 'same'), data_format, dilation_rate: the
            convolution of the input; the state's convolution is always 'same' with stride 1, so h
            and c keep the input convolution's output size.
        activation, recurrent_activation, use_bias, unit_forget_bias, the initializers, regularizers and
            constraints, dropout, recurrent_dropout, seed: as in `LSTM` (one dropout mask per gate).
        return_sequences, return_state, go_backwards, stateful: as in `RNN`.

    Example, next-frame prediction on clips of 40 x 40 frames of any length:

        model = keras.Sequential([keras.Input((None, 40, 40, 1)),
                                  keras.layers.ConvLSTM2D(40, 3, padding="same", return_sequences=True),
                                  keras.layers.BatchNormalization(),
                                  keras.layers.Conv3D(1, 3, padding="same", activation="sigmoid")])
    """

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        try:
            cell = ConvLSTMCell(
                self.rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                dilation_rate=dilation_rate, activation=activation, recurrent_activation=recurrent_activation,
                use_bias=use_bias, kernel_initializer=kernel_initializer,
                recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
                recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                seed=seed, name="conv_lstm_cell", dtype=kwargs.get("dtype"))
        except ValueError as exc:
            raise ValueError(str(exc).replace("ConvLSTMCell", type(self).__name__, 1)) from None
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if len(input_shape) != self.rank + 3:
            layout = "spatial..., channels" if self.cell.data_format == "channels_last" else "channels, spatial..."
            raise ValueError(f"{type(self).__name__} layer {self.name!r} expects {self.rank + 3}-D inputs "
                             f"(batch, time, {layout}), received input shape {tuple(input_shape)}")
        super().build(input_shape)

    # -- shapes -----------------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        batch, steps = input_shape[0], input_shape[1]
        step_shape = self.cell.compute_output_shape((batch,) + tuple(input_shape[2:]))[0]
        output_shape = (batch, steps) + step_shape[1:] if self.return_sequences else step_shape
        if self.return_state:
            return [output_shape, step_shape, step_shape]
        return output_shape

    # -- running ----------------------------------------------------------------------------------
    def _loop(self, sequences, states, mask, training):
        cell = self.cell
        batch, steps = sequences.shape[0], sequences.shape[1]
        cf = cell.to_channels_first
        input_masks = recurrent_masks = None
        if training:
            input_masks = _channels_first_masks(cell.get_dropout_mask(sequences[:, 0]), cf)
            recurrent_masks = _channels_first_masks(cell.get_recurrent_dropout_mask(states[0]), cf)
        # Every step's input convolution at once: (batch*time, 4*filters, s'...).
        flat = cf(sequences.flatten(0, 1))
        if input_masks is not None:  # the same per-sample masks at every step
            input_masks = input_masks.repeat_interleave(steps, dim=1)
        x_gates = cell.input_gates(flat, input_masks)
        x_gates = x_gates.reshape((batch, steps) + tuple(x_gates.shape[1:]))
        expected = tuple(cell.state_shape(batch))
        for label, state in zip(("h", "c"), states):
            if tuple(state.shape) != expected:
                raise ValueError(
                    f"{type(self).__name__} layer {self.name!r}: initial state {label} must have shape "
                    f"{expected} (batch, then one output step in data_format={cell.data_format!r}), "
                    f"received {tuple(state.shape)}")
        h, c = cf(states[0]), cf(states[1])
        step_masks = self._step_masks(mask, h) if mask is not None else None
        collected, output = [], None
        for t in range(steps):
            new_h, new_c = cell.step(x_gates[:, t], h, c, recurrent_masks)
            new_output = new_h
            if step_masks is not None:  # a masked step keeps the states and repeats the output
                keep = step_masks[t]
                held = torch.zeros_like(new_h) if output is None or self.zero_output_for_mask else output
                new_output = torch.where(keep, new_h, held)
                new_h, new_c = torch.where(keep, new_h, h), torch.where(keep, new_c, c)
            output, h, c = new_output, new_h, new_c
            if self.return_sequences:
                collected.append(output)
        back = cell.from_channels_first
        outputs = back(torch.stack(collected, 1).flatten(0, 1)).unflatten(0, (batch, steps)) \
            if self.return_sequences else None
        return back(output), outputs, [back(h), back(c)]

    def _step_masks(self, mask, state):
        """Per-step keep masks shaped to broadcast over channels_first states: a (batch, time) mask
        holds whole steps; a (batch, time, spatial...) one (Masking before the layer) holds each
        position, as Keras broadcasts it."""
        mask = mask.bool()
        if mask.dim() == 2:
            return [_expand(m, state) for m in mask.unbind(1)]
        if tuple(mask.shape[2:]) != tuple(state.shape[2:]):
            raise ValueError(
                f"{type(self).__name__} layer {self.name!r}: a mask must have shape (batch, time) or (batch, "
                f"time) + the output's spatial shape {tuple(state.shape[2:])}, received mask shape "
                f"{tuple(mask.shape)}")
        return [m.unsqueeze(1) for m in mask.unbind(1)]

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        cell_config = self.cell._cell_config()
        for key in _CELL_KEYS_BEFORE_ACTIVITY:
            config[key] = cell_config.pop(key)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config.update(cell_config)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.config_compat import class_config, normalize
        return cls(**class_config(cls, normalize(dict(config))))


def _cell_attribute(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


for _name in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
              "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
              "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
              "recurrent_dropout", "seed"):
    setattr(ConvLSTM, _name, _cell_attribute(_name))


class ConvLSTM1D(ConvLSTM):
    """Convolutional LSTM over sequences of 1-D signals: inputs (batch, time, steps, channels)."""
    rank = 1


class ConvLSTM2D(ConvLSTM):
    """Convolutional LSTM over sequences of images: inputs (batch, time, rows, cols, channels)."""
    rank = 2


class ConvLSTM3D(ConvLSTM):
    """Convolutional LSTM over sequences of volumes: inputs (batch, time, d1, d2, d3, channels)."""
    rank = 3
