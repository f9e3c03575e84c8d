"""RNN(cell) over a nested input: `rnn((sequences_1, sequences_2))`, tf-keras 2's structured timesteps.

tf-keras lets a cell take several inputs per timestep (a video frame and its audio), keep states of
more than one axis (`state_size=[TensorShape([10]), TensorShape([20, 30])]`) and return several
outputs (`output_size` a list). keras-io's "Working with RNNs" guide of the tf.keras era builds such
a `NestedCell`. Keras 3 dropped the feature; its Keras 2 form `layer([x, h0, c0])` (one sequence
tensor, then 2-D initial states) stays what a list means when its later items are not sequences.

Only the step-by-step loop runs here (a user cell has no fused kernel); masks do not apply.
"""
import torch

from tkeras.layers.layer_inputs import to_torch


def state_shape(size):
    """A state's shape without the batch axis: `10` -> (10,), `TensorShape([20, 30])` -> (20, 30)."""
    if isinstance(size, int):
        return (size,)
    return tuple(int(d) for d in size)


def is_state_size(size):
    return isinstance(size, int) or (isinstance(size, (list, tuple)) and len(size) > 0
                                     and all(isinstance(d, int) for d in size))


def is_nested_shapes(layer, input_shape):
    """Several sequence shapes (each (batch, timesteps, ...)), not Keras 2's [sequences, *states]."""
    if not (isinstance(input_shape, (list, tuple)) and len(input_shape) > 1
            and all(isinstance(s, (list, tuple)) and len(s) >= 3 for s in input_shape)):
        return False
    return not _are_initial_states(layer, [tuple(s) for s in input_shape[1:]])


def is_nested_sequences(layer, inputs):
    if not (isinstance(inputs, (list, tuple)) and len(inputs) > 1
            and all(len(getattr(x, "shape", ())) >= 3 for x in inputs)):
        return False
    return not _are_initial_states(layer, [tuple(x.shape) for x in inputs[1:]])


def _are_initial_states(layer, shapes):
    """Whether the items after the first look like one initial state per state (ConvLSTM's are 4-D;
    a size of -1 is a state whose shape the cell only knows once built)."""
    if len(shapes) != len(layer.state_size):
        return False
    for shape, size in zip(shapes, layer.state_size):
        expected = state_shape(size)
        if len(shape) - 1 != len(expected) and expected != (-1,):
            return False
        if expected != (-1,) and any(d is not None and e != -1 and d != e for d, e in zip(shape[1:], expected)):
            return False
    return True


def step_shapes(input_shape):
    return [(s[0],) + tuple(s[2:]) for s in input_shape]


def output_shapes(layer, input_shape):
    """compute_output_shape for nested inputs: one shape per output of the cell (and per state)."""
    batch, steps = input_shape[0][0], input_shape[0][1]
    sizes = getattr(layer.cell, "output_size", None) or layer.state_size
    sizes = list(sizes) if isinstance(sizes, (list, tuple)) and not is_state_size(sizes) else [sizes]
    outputs = [(batch, steps) + state_shape(s) if layer.return_sequences else (batch,) + state_shape(s)
               for s in sizes]
    outputs = outputs if len(outputs) > 1 else outputs[0]
    if layer.return_state:
        return (outputs if isinstance(outputs, list) else [outputs]) + \
            [(batch,) + state_shape(s) for s in layer.state_size]
    return outputs


def call(layer, sequences, initial_state, training):
    """Run the cell over every timestep of the nested `sequences`; the layer's usual return value."""
    sequences = [s if isinstance(s, torch.Tensor) else to_torch(s, layer.dtype) for s in sequences]
    if layer.go_backwards:
        sequences = [s.flip(1) for s in sequences]
    states = layer._starting_states(initial_state, sequences[0])
    cell = layer.cell
    step = getattr(cell, "call", cell)
    kwargs = {"training": training} if getattr(cell, "_call_takes_training", False) else {}
    collected, output = [], None
    for t in range(sequences[0].shape[1]):
        output, new_states = step([s[:, t] for s in sequences], states, **kwargs)
        states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if layer.return_sequences:
            collected.append(output)
    if layer.stateful:
        layer.states = [s.detach() for s in states]
    nested_output = isinstance(output, (list, tuple))
    if layer.return_sequences:
        output = ([torch.stack([o[i] for o in collected], 1) for i in range(len(output))] if nested_output
                  else torch.stack(collected, 1))
    elif nested_output:
        output = list(output)
    if layer.return_state:
        return (output if nested_output else [output]) + states
    return output
