"""Keras 2's `K.rnn` (the time loop custom recurrent layers of the tf.keras era were written on) and the
higher-order functions `K.map_fn`, `K.foldl`, `K.foldr`.

`K.rnn` runs a Python loop over time calling the user's `step_function(inputs_t, states)`; masked steps
carry the previous output and states forward (or output zeros with `zero_output_for_mask`). tf-keras'
`unroll` only chose between a graph loop and an unrolled graph; eagerly both compute the same, so
it is accepted and changes nothing. tkeras' own recurrent layers use torch's fused kernels instead.
"""
import torch

from tkeras.backend.functions import _t


def _spread(mask_t, like):
    """A (batch, 1) or (batch,) step mask shaped to broadcast against `like` (batch, ...)."""
    mask_t = mask_t.reshape(mask_t.shape[0], -1)[:, :1]
    return mask_t.reshape((mask_t.shape[0],) + (1,) * (like.dim() - 1))


def _time_mask(mask, input_length, steps, time_major, go_backwards):
    """The mask in processing order, (time, batch, 1), or None."""
    if mask is not None:
        mask = _t(mask).bool()
        if mask.dim() == 2:
            mask = mask.unsqueeze(-1)
        if not time_major:
            mask = mask.transpose(0, 1)
        return mask.flip(0) if go_backwards else mask
    if input_length is None or isinstance(input_length, int):
        return None
    lengths = _t(input_length).reshape(-1).long()
    time = torch.arange(steps, device=lengths.device).unsqueeze(1)
    if go_backwards:  # the sequence runs backwards, so its padding now comes first
        return (time > (lengths.max() - 1 - lengths).unsqueeze(0)).unsqueeze(-1)
    return (time < lengths.unsqueeze(0)).unsqueeze(-1)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False, return_all_outputs=True):
    """Iterates `step_function` over the time axis of `inputs` (batch, time, ...) or a list of such.

    Returns `(last_output, outputs, new_states)`: outputs is (batch, time, ...) with every step's output
    (with `go_backwards`, in the reversed order they were computed), or (batch, 1, ...) holding only the
    last when `return_all_outputs=False`; new_states is the list of final states.
    """
    nested = isinstance(inputs, (list, tuple))
    flat = [_t(x) for x in (inputs if nested else [inputs])]
    for x in flat:
        if x.dim() < 3:
            raise ValueError(f"K.rnn: inputs must be at least 3-D (batch, time, features), received shape "
                             f"{tuple(x.shape)}")
    if not time_major:
        flat = [x.transpose(0, 1) for x in flat]
    steps = flat[0].shape[0]
    if steps == 0:
        raise ValueError("K.rnn: the inputs have no time steps")
    mask = _time_mask(mask, input_length, steps, time_major, go_backwards)
    states = list(initial_states)
    if mask is not None and not states:
        raise ValueError("K.rnn: a mask needs initial_states (the states masked steps carry forward)")
    if go_backwards:
        flat = [x.flip(0) for x in flat]
    constants = tuple(constants or ())
    outputs, previous = [], None
    for t in range(steps):
        step_inputs = type(inputs)(x[t] for x in flat) if nested else flat[0][t]
        output, new_states = step_function(step_inputs, tuple(states) + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if mask is not None:
            keep = mask[t]
            fallback = torch.zeros_like(output) if previous is None or zero_output_for_mask else previous
            output = torch.where(_spread(keep, output), output, fallback)
            new_states = [torch.where(_spread(keep, new), new, old) for new, old in zip(new_states, states)]
        previous, states = output, new_states
        if return_all_outputs or t == steps - 1:
            outputs.append(output)
    stacked = torch.stack(outputs)
    if not time_major:
        stacked = stacked.transpose(0, 1)
    return outputs[-1], stacked, states


def map_fn(fn, elems, name=None, dtype=None):
    """`fn` applied to each slice of `elems` along axis 0, the results stacked."""
    return torch.stack([_t(fn(element)) for element in _t(elems)])


def foldl(fn, elems, initializer=None, name=None):
    """fn(...fn(fn(initializer, e0), e1)..., en); without initializer, e0 starts."""
    elems = _t(elems)
    accumulator, rest = (elems[0], elems[1:]) if initializer is None else (_t(initializer), elems)
    for element in rest:
        accumulator = fn(accumulator, element)
    return accumulator


def foldr(fn, elems, initializer=None, name=None):
    """foldl from the last element backwards; without initializer, the last element starts."""
    elems = _t(elems)
    accumulator, rest = (elems[-1], elems[:-1]) if initializer is None else (_t(initializer), elems)
    for element in reversed(list(rest)):
        accumulator = fn(accumulator, element)
    return accumulator
