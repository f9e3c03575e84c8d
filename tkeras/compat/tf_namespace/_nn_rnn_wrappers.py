"""`tf.nn.RNNCellDropoutWrapper`, `RNNCellResidualWrapper` and `RNNCellDeviceWrapper`: TensorFlow 2's
wrappers around a Keras RNN cell, here thin layers around a tkeras cell, so `keras.layers.RNN(wrapper)`
and manual stepping (`wrapper(x, states)`) both work."""
import torch

from tkeras.layers.layer import Layer


class _CellWrapper(Layer):
    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        self.cell = cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    def build(self, input_shape):
        if not self.cell.built:
            self.cell.build(input_shape)
        self.built = True

    def get_initial_state(self, *args, **kwargs):
        return self.cell.get_initial_state(*args, **kwargs)

    def call(self, inputs, states, training=None):
        return self.cell(inputs, states, training=training)


def _drop(x, keep, generator):
    if keep >= 1.0:
        return x
    mask = torch.rand(x.shape, generator=generator, device="cpu").to(x.device) < keep
    return torch.where(mask, x / keep, torch.zeros_like(x))


class RNNCellDropoutWrapper(_CellWrapper):
    """Dropout on the cell's inputs, outputs and new states, given as keep probabilities. It drops whenever
    `training` is not False (TensorFlow's wrapper drops on every call), with a fresh mask per step."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        if variational_recurrent:
            raise NotImplementedError("tf.nn.RNNCellDropoutWrapper(variational_recurrent=True) is not supported in "
                                      "tkeras; use the cell's own dropout/recurrent_dropout arguments")
        for name, p in (("input_keep_prob", input_keep_prob), ("output_keep_prob", output_keep_prob),
                        ("state_keep_prob", state_keep_prob)):
            if not 0.0 < float(p) <= 1.0:
                raise ValueError(f"Parameter {name} must be between 0 and 1: {p}")
        super().__init__(cell, **kwargs)
        self.input_keep_prob, self.output_keep_prob = float(input_keep_prob), float(output_keep_prob)
        self.state_keep_prob = float(state_keep_prob)
        self._generator = torch.Generator()
        if seed is not None:
            self._generator.manual_seed(int(seed))
        else:
            self._generator.seed()

    def call(self, inputs, states, training=None):
        active = training is not False
        if active:
            inputs = _drop(inputs, self.input_keep_prob, self._generator)
        output, new_states = self.cell(inputs, states, training=training)
        if active:
            output = _drop(output, self.output_keep_prob, self._generator)
            if isinstance(new_states, (list, tuple)):
                new_states = type(new_states)(_drop(s, self.state_keep_prob, self._generator) for s in new_states)
            else:
                new_states = _drop(new_states, self.state_keep_prob, self._generator)
        return output, new_states


class RNNCellResidualWrapper(_CellWrapper):
    """Adds the step's input to the cell's output (or combines them with `residual_fn(inputs, outputs)`)."""

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self.residual_fn = residual_fn

    def call(self, inputs, states, training=None):
        output, new_states = self.cell(inputs, states, training=training)
        if self.residual_fn is not None:
            return self.residual_fn(inputs, output), new_states
        if inputs.shape[-1] != output.shape[-1]:
            raise ValueError(f"RNNCellResidualWrapper: the input's last dimension ({inputs.shape[-1]}) must equal "
                             f"the cell's output size ({output.shape[-1]})")
        return inputs + output, new_states


class RNNCellDeviceWrapper(_CellWrapper):
    """Accepts TensorFlow's device string and runs the cell where tkeras runs everything else."""

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self.device = device
