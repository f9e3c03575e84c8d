"""Bidirectional(layer): a recurrent layer run forwards and a copy run backwards, outputs merged.

As in Keras, the wrapped layer is re-created from its config as `forward_<name>` and, unless a
`backward_layer` is given, once more with `go_backwards=True` as `backward_<name>`; the weights are
the forward layer's then the backward layer's, so files cross with Keras. The backward outputs are
flipped back to the input's time order before merging. When both directions are the same built-in
layer, the pair runs as one bidirectional call of torch's fused kernel.
"""
import torch

from tkeras.layers.layer import Layer
from tkeras.layers.rnn import _fused

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _recreate(layer, name, **overrides):
    from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object
    config = serialize_keras_object(layer)
    config.pop("build_config", None)
    config["config"] = dict(config["config"], name=name, **overrides)
    return deserialize_keras_object(config)


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, layer=None, merge_mode="concat", backward_layer=None, **kwargs):
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError(f"Bidirectional: `layer` must be a recurrent layer instance (LSTM, GRU, "
                             f"SimpleRNN, RNN), received {layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"Bidirectional: `backward_layer` must be a layer instance, received {backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {_MERGE_MODES}, received {merge_mode!r}")
        super().__init__(**kwargs)
        self.forward_layer = _recreate(layer, f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _recreate(layer, f"backward_{_strip(layer.name, 'backward_')}",
                                       go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                f"Bidirectional {self.name!r}: the forward and backward layers must have different "
                f"go_backwards values, both have go_backwards={self.forward_layer.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            forward, backward = getattr(self.forward_layer, attr), getattr(self.backward_layer, attr)
            if forward != backward:
                raise ValueError(f"Bidirectional {self.name!r}: the forward and backward layers must agree on "
                                 f"{attr}, received {forward} (forward) and {backward} (backward)")
        for each in (self.forward_layer, self.backward_layer):
            if hasattr(each, "zero_output_for_mask"):
                each.zero_output_for_mask = each.return_sequences  # Keras: masked steps merge as zeros
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec
        self.supports_masking = True
        # tf-keras' `layer`: the instance given, kept untracked (its copies hold the weights).
        object.__setattr__(self, "layer", layer)

    def build(self, input_shape):
        for each in (self.forward_layer, self.backward_layer):
            if not each.built:
                each._build_from_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        state_shapes = []
        if self.return_state:
            shape, state_shapes = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            output = [tuple(shape[:-1]) + (shape[-1] * 2 if shape[-1] is not None else None,)]
        elif self.merge_mode is None:
            output = [tuple(shape), tuple(shape)]
        else:
            output = [tuple(shape)]
        if self.return_state:
            return output + state_shapes + state_shapes
        return output[0] if len(output) == 1 else output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            masks += [None] * (2 * len(self.forward_layer.state_size))
        return masks[0] if len(masks) == 1 else masks

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(sequences, (list, tuple)):  # Keras 2: layer([x, *forward_states, *backward_states])
            sequences, extra = sequences[0], list(sequences[1:])
            if initial_state is None and extra:
                initial_state = extra
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        fused = self._fused_pair(sequences, forward_state, backward_state, mask, training)
        if fused is not None:
            y, y_rev, states = fused
        else:
            y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
            y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
            states = []
            if self.return_state:
                states = list(y[1:]) + list(y_rev[1:])
                y, y_rev = y[0], y_rev[0]
            if self.return_sequences:
                y_rev = y_rev.flip(1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return torch.cat([y, y_rev], dim=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def _fused_pair(self, sequences, forward_state, backward_state, mask, training):
        """Both directions in one bidirectional kernel call, when they are twins the kernel can run:
        same class and mode, the backward one going backwards, and no input dropout (each direction
        draws its own mask in Keras)."""
        forward, backward = self.forward_layer, self.backward_layer
        if type(forward) is not type(backward) or forward.go_backwards or not backward.go_backwards:
            return None
        if forward._force_fallback or backward._force_fallback:
            return None
        mode = forward._fused_mode(training)
        if mode is None or backward._fused_mode(training) != mode:
            return None
        if forward.cell.units != backward.cell.units:
            return None
        if training and (forward.cell.dropout > 0 or backward.cell.dropout > 0):
            return None
        forward_states = forward._starting_states(forward_state, sequences)
        backward_states = backward._starting_states(backward_state, sequences)
        weights = forward._torch_weights() + backward._torch_weights()
        result = _fused.run_bidirectional(mode, sequences, forward_states, backward_states, weights, mask,
                                          self.return_sequences)
        if result is None:
            return None
        y, y_rev, new_forward, new_backward = result
        for each, new in ((forward, new_forward), (backward, new_backward)):
            if each.stateful:
                each.states = [s.detach() for s in new]
        return y, y_rev, list(new_forward) + list(new_backward)

    def reset_states(self, states=None):
        if not self.stateful:
            raise AttributeError(f"Layer {self.name!r} must be stateful (stateful=True) to reset its states")
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    reset_state = reset_states

    @property
    def states(self):
        if self.forward_layer.states is not None and self.backward_layer.states is not None:
            return list(self.forward_layer.states) + list(self.backward_layer.states)
        return None

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize_keras_object(self.forward_layer)
        config["backward_layer"] = serialize_keras_object(self.backward_layer)
        for key in ("layer", "backward_layer"):
            config[key].pop("build_config", None)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_keras_object(config["backward_layer"], custom_objects)
        return cls(**config)
