"""RNN(cell): runs a cell over the time axis, with Keras' sequence options.

Everything that is the same for SimpleRNN, LSTM, GRU and user cells lives here: initial and
carried (stateful) states, go_backwards, return_sequences/return_state, masks, variational dropout
masks and the per-step loop. The built-in layers add a fused-kernel fast path through
`_fused_mode()`/`_torch_weights()`; any configuration the kernels cannot express (custom
activations, recurrent dropout, masks with holes, `_force_fallback = True`) runs the loop, which
is the reference the fast path is tested against.
"""
import torch

from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.layer_inputs import to_torch
from tkeras.layers.rnn import _fused, nested_sequences
from tkeras.layers.rnn.dropout_cell import DropoutRNNCell

# tf-keras writes these into RNN configs; they change nothing here.
_IGNORED_CONFIG_KEYS = ("time_major", "implementation", "use_cudnn")


def pop_sequence_input_shape(kwargs):
    """Keras 1/2 `input_dim=`/`input_length=` on a recurrent layer mean (time, features)."""
    input_dim = kwargs.pop("input_dim", None)
    input_length = kwargs.pop("input_length", None)
    if (input_dim is not None or input_length is not None) and kwargs.get("input_shape") is None \
            and kwargs.get("batch_input_shape") is None:
        kwargs["batch_input_shape"] = (kwargs.pop("batch_size", None), input_length, input_dim)
    return kwargs


class RNN(Layer):
    """Wraps any cell that has `state_size` and `call(inputs, states)` returning (output, new_states)."""
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        ignored = {key: kwargs.pop(key) for key in _IGNORED_CONFIG_KEYS if key in kwargs}
        pop_sequence_input_shape(kwargs)
        if isinstance(cell, (list, tuple)):
            from tkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
            raise ValueError(
                f"{type(self).__name__}: the cell must have a `call(inputs, states)` method and a "
                f"`state_size` attribute (an int or a list of ints, one per state); received {cell!r}")
        state_size = cell.state_size
        if isinstance(state_size, int):
            state_size = [state_size]
        if not isinstance(state_size, (list, tuple)) or not all(
                nested_sequences.is_state_size(s) for s in state_size):
            raise ValueError(f"{type(self).__name__}: cell.state_size must be an int or a list of ints (or of "
                             f"shapes, one per state), received {cell.state_size!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.state_size = list(state_size)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)  # accepted: the fused kernels are faster than unrolling
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None
        self.time_major = bool(ignored.get("time_major", False))  # tf-keras' flag, reported as given
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._force_fallback = False

    # -- building -------------------------------------------------------------------------------
    def build(self, input_shape):
        if nested_sequences.is_nested_shapes(self, input_shape):  # tf-keras 2: one cell input per sequence
            if isinstance(self.cell, Layer) and not self.cell.built:
                self.cell._build_from_shape(nested_sequences.step_shapes(input_shape))
            self.built = True
            return
        if isinstance(input_shape, list):  # Keras 2: [sequences, *initial_states]
            input_shape = input_shape[0]
        if len(input_shape) < 3:
            raise ValueError(f"{type(self).__name__} layer {self.name!r} expects inputs of shape "
                             f"(batch, timesteps, features), received input shape {input_shape}")
        step_shape = (input_shape[0],) + tuple(input_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._build_from_shape(step_shape)
        elif hasattr(self.cell, "build") and not getattr(self.cell, "built", True):
            self.cell.build(step_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        if nested_sequences.is_nested_shapes(self, input_shape):
            return nested_sequences.output_shapes(self, input_shape)
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        batch, steps = input_shape[0], input_shape[1]
        output_size = getattr(self.cell, "output_size", None) or self.state_size[0]
        output_shape = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [output_shape] + [(batch, size) for size in self.state_size]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    # -- states ---------------------------------------------------------------------------------
    def get_initial_state(self, batch_size, dtype=None, device=None):
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None and not getattr(make, "_zero_states", False):
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        dtype = dtype or getattr(self.cell, "torch_dtype", torch.float32)
        return [torch.zeros((batch_size,) + nested_sequences.state_shape(size), dtype=dtype, device=device)
                for size in self.state_size]

    def reset_states(self, states=None):
        """Zero the carried states of a stateful layer, or set them to `states` (arrays)."""
        if not self.stateful:
            raise AttributeError(f"Layer {self.name!r} must be stateful (stateful=True) to reset its states")
        if states is None:
            self.states = None if self.states is None else [torch.zeros_like(s) for s in self.states]
            return
        states = states if isinstance(states, (list, tuple)) else [states]
        if len(states) != len(self.state_size):
            raise ValueError(f"Layer {self.name!r} expects {len(self.state_size)} states, "
                             f"but reset_states received {len(states)}")
        self.states = [to_torch(s, self.dtype) for s in states]

    reset_state = reset_states

    def _starting_states(self, initial_state, sequences):
        batch = sequences.shape[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self.state_size):
                raise ValueError(
                    f"Layer {self.name!r} has {len(self.state_size)} state(s) (state_size="
                    f"{self.state_size}) but was passed {len(states)} initial state(s)")
            return [s if isinstance(s, torch.Tensor) else to_torch(s, self.dtype) for s in states]
        if self.stateful:
            if self.states is not None and self.states[0].shape[0] != batch:
                raise ValueError(
                    f"Stateful layer {self.name!r} carries states for a batch of {self.states[0].shape[0]}, "
                    f"but received a batch of {batch}. Use the same batch size for every call (and a "
                    f"number of samples divisible by it), or call reset_states() first")
            if self.states is None:
                self.states = self.get_initial_state(batch, sequences.dtype, sequences.device)
            return list(self.states)
        return self.get_initial_state(batch, sequences.dtype, sequences.device)

    # -- running --------------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):  # Keras 2: layer([x, h0, c0])
            if nested_sequences.is_nested_sequences(self, sequences):  # tf-keras 2: several sequences, one cell
                return nested_sequences.call(self, sequences, initial_state, training)
            sequences, extra = sequences[0], list(sequences[1:])
            if initial_state is None and extra:
                initial_state = extra
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._starting_states(initial_state, sequences)
        last_output, outputs, new_states = self.inner_loop(sequences, states, mask, training)
        if self.stateful:
            self.states = [s.detach() for s in new_states]
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            if self.return_sequences and mask is not None:
                output._keras_mask = mask
            return [output] + list(new_states)
        return output

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Run the cell over `sequences` (batch, timesteps, ...) from `initial_state` (one tensor or a
        list, one per state), honouring `mask` (batch, timesteps), `go_backwards` and
        `zero_output_for_mask`; the layer's own states are neither read nor written.

        Returns (last_output, outputs, new_states): the output of the last step processed, the
        outputs of every step in processing order (batch, timesteps, ...) when `return_sequences`,
        else the last output alone with a time axis of 1 (as Keras' torch backend returns it), and
        the list of final states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        sequences = sequences if isinstance(sequences, torch.Tensor) else to_torch(sequences, self.dtype)
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        states = [s if isinstance(s, torch.Tensor) else to_torch(s, self.dtype) for s in states]
        if mask is not None and not isinstance(mask, torch.Tensor):
            mask = torch.as_tensor(mask)
        if self.go_backwards:
            sequences = sequences.flip(1)
            mask = mask.flip(1) if mask is not None else None
        cell = self.cell
        # Masks are drawn (and the cell told it is inside a sequence) only when a rate asks for them:
        # at rates of 0 the bookkeeping is four attribute writes per call for nothing.
        with_dropout = (bool(training) and isinstance(cell, DropoutRNNCell)
                        and (getattr(cell, "dropout", 0) > 0 or getattr(cell, "recurrent_dropout", 0) > 0))
        if with_dropout:
            cell._in_sequence = True
            cell.get_dropout_mask(sequences[:, 0])
            cell.get_recurrent_dropout_mask(states[0])
        try:
            result = None
            mode = None if self._force_fallback else self._fused_mode(training)
            if mode is not None:
                inputs = sequences
                if with_dropout and cell._dropout_mask is not None:
                    inputs = sequences * cell._dropout_mask[:, None]
                result = _fused.run(mode, inputs, states, self._torch_weights(), mask,
                                    self.return_sequences, self.zero_output_for_mask)
            if result is None:
                result = self._loop(sequences, states, mask, training)
        finally:
            if with_dropout:
                cell._in_sequence = False
                cell.reset_dropout_mask()
                cell.reset_recurrent_dropout_mask()
        last_output, outputs, new_states = result
        if outputs is None:
            outputs = last_output.unsqueeze(1)
        return last_output, outputs, list(new_states)

    def _fused_mode(self, training):
        """The fused kernel for this configuration ('lstm', 'gru', 'rnn_tanh', 'rnn_relu') or None."""
        return None

    def _torch_weights(self):
        raise NotImplementedError

    def _loop(self, sequences, states, mask, training):
        """The per-step reference: Keras' semantics for masked steps spelled out."""
        cell = self.cell
        step = cell.call if isinstance(cell, Layer) else cell
        kwargs = {"training": training} if getattr(cell, "_call_takes_training", False) else {}
        step_masks = mask.bool().unbind(1) if mask is not None else None
        collected, output = [], None
        for t in range(sequences.shape[1]):
            new_output, new_states = step(sequences[:, t], states, **kwargs)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            if step_masks is not None:
                keep = step_masks[t]
                if output is None or self.zero_output_for_mask:
                    held = torch.zeros_like(new_output)
                else:
                    held = output
                new_output = torch.where(_expand(keep, new_output), new_output, held)
                new_states = [torch.where(_expand(keep, n), n, old) for n, old in zip(new_states, states)]
            output, states = new_output, list(new_states)
            if self.return_sequences:
                collected.append(output)
        outputs = torch.stack(collected, 1) if self.return_sequences else None
        return output, outputs, states

    # -- configuration --------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        if type(self) is RNN:
            from tkeras.saving.serialization import serialize_keras_object
            config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is RNN or "cell" in config:
            from tkeras.saving.serialization import deserialize_keras_object
            cell = config.pop("cell")
            if isinstance(cell, list):
                cell = [deserialize_keras_object(c, custom_objects) for c in cell]
            else:
                cell = deserialize_keras_object(cell, custom_objects)
            return cls(cell, **config)
        return cls(**config)


def _expand(keep, like):
    return keep.reshape(keep.shape + (1,) * (like.dim() - 1))
