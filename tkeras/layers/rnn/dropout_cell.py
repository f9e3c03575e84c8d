"""Dropout masks of recurrent cells: drawn once per sequence and reused at every step.

Keras drops the same input features and the same recurrent units at every time step of one sequence
(variational dropout); a fresh mask per step would be ordinary dropout and regularize differently.
The RNN layer asks the cell for its masks before the loop and clears them after, so each batch gets
new ones. A cell stepped by hand (`out, state = cell(x_t, state, training)` in a loop over time, as
tf-keras 2 books write it) keeps its masks while each call is given the state the previous call
returned, and draws new ones when a call starts from any other state (the zeros of the next batch):
tf-keras draws them once per traced step and reuses them at every step of it. A cell made with `seed=`
draws its masks from its SeedGenerator's stream (one count per mask); unseeded, from torch's global
generator, leaving the counter alone as Keras' torch backend does.

With recurrent dropout, Keras' LSTM and GRU cells switch to their per-gate layout and draw one mask
per gate (4 / 3) for the inputs and for the state, stacked here on a leading axis (`gate_matmul`
applies them); otherwise one mask serves every gate.
"""
import weakref

import torch

from tkeras.ops.seed_generator import layer_generator


def _keep_mask(like, rate, generator=None):
    """A scaled keep-mask: 0 with probability `rate`, 1/(1-rate) otherwise."""
    keep = torch.rand(like.shape, dtype=like.dtype, device=like.device, generator=generator) >= rate
    return keep.to(like.dtype) / (1.0 - rate)


def gate_matmul(x, mask, kernel):
    """`(x * mask) @ kernel`, where a stacked mask (gates, batch, features) drops x differently for each
    gate's column block of `kernel` (features, gates * units)."""
    if mask is None:
        return x @ kernel
    if mask.dim() == x.dim():
        return (x * mask) @ kernel
    gates = mask.shape[0]
    blocks = kernel.reshape(kernel.shape[0], gates, -1).transpose(0, 1)  # (gates, features, units)
    per_gate = torch.bmm(x * mask, blocks)  # (gates, batch, units)
    return per_gate.transpose(0, 1).reshape(x.shape[0], -1)


class DropoutRNNCell:
    """Mixed into cells that have `dropout` and `recurrent_dropout` rates."""

    _dropout_mask = None
    _recurrent_dropout_mask = None
    _cell_dropout_masks = None  # tf-keras 2's get_dropout_mask_for_cell cache
    _cell_recurrent_dropout_masks = None
    _hand_stepped_masks = None  # (input mask, state mask) of the sequence a caller steps through by hand
    _hand_step_continues = False  # this call was given the state the previous call returned
    _hand_step_results = ()  # weak references to what that call returned (its output, its first state)

    _gate_count = None  # LSTM 4, GRU 3: their gates' masks differ when there is recurrent dropout

    def _mask_generator(self, like):
        """The generator of the cell's next mask: its seed stream when made with `seed=`, else None."""
        seed_generator = getattr(self, "seed_generator", None)
        return None if seed_generator is None else layer_generator(seed_generator, like.device, count_unseeded=False)

    def _masks(self, like, rate):
        """One mask, or one per gate stacked (gates, *like.shape) in Keras' per-gate layout."""
        if self._gate_count is None or not self.recurrent_dropout > 0:
            return _keep_mask(like, rate, self._mask_generator(like))
        return torch.stack([_keep_mask(like, rate, self._mask_generator(like)) for _ in range(self._gate_count)])

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._masks(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._masks(state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None
        self._cell_dropout_masks = None
        self._hand_stepped_masks = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None
        self._cell_recurrent_dropout_masks = None

    # -- tf-keras 2 (DropoutRNNCellMixin): cached until reset, `count` masks for fused gates ---------
    def get_dropout_mask_for_cell(self, inputs, training, count=1):
        """The input dropout mask shaped like `inputs` (a list of `count` independent masks when
        count > 1), drawn on the first call and returned again until `reset_dropout_mask()`; all ones
        when not training; None when `dropout` is 0."""
        if not self.dropout:
            return None
        if self._cell_dropout_masks is None:
            self._cell_dropout_masks = _cell_masks(self, "get_dropout_mask_for_cell", inputs, training,
                                                   count, self.dropout)
        return self._cell_dropout_masks

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count=1):
        """As get_dropout_mask_for_cell, for the recurrent state with `recurrent_dropout`."""
        if not self.recurrent_dropout:
            return None
        if self._cell_recurrent_dropout_masks is None:
            self._cell_recurrent_dropout_masks = _cell_masks(
                self, "get_recurrent_dropout_mask_for_cell", inputs, training, count, self.recurrent_dropout)
        return self._cell_recurrent_dropout_masks

    def _step_masks(self, inputs, state, training):
        """The masks for one step: the per-sequence ones while an RNN loops, fresh ones otherwise."""
        if not training:
            return None, None
        if getattr(self, "_in_sequence", False):
            return self.get_dropout_mask(inputs), self.get_recurrent_dropout_mask(state)
        if self._hand_step_continues and self._hand_stepped_masks is not None:
            return self._hand_stepped_masks
        input_mask = self._masks(inputs, self.dropout) if self.dropout > 0 else None
        state_mask = self._masks(state, self.recurrent_dropout) if self.recurrent_dropout > 0 else None
        self._hand_stepped_masks = (input_mask, state_mask)
        return input_mask, state_mask

    def _has_dropout(self):
        return self.dropout > 0 or self.recurrent_dropout > 0

    def _begin_hand_step(self, states):
        """Before a call on the cell itself: does it continue the sequence of the previous call?"""
        first = _first_state(states)
        self._hand_step_continues = any(ref() is first for ref in self._hand_step_results)

    def _end_hand_step(self, result):
        """After that call: remember what it returned, to recognise the next step of the sequence."""
        self._hand_step_continues = False
        refs = []
        if isinstance(result, (list, tuple)) and len(result) == 2:
            output, states = result
            refs = [weakref.ref(t) for t in (output, _first_state(states)) if isinstance(t, torch.Tensor)]
        self._hand_step_results = tuple(refs)


def _first_state(states):
    """The state tensor a hand-stepped call is recognised by: the first of a list, or the bare tensor."""
    return states[0] if isinstance(states, (list, tuple)) and states else states


def _cell_masks(cell, method, inputs, training, count, rate):
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"{type(cell).__name__}.{method}: `count` must be a positive int, received {count!r}")
    inputs = inputs if isinstance(inputs, torch.Tensor) else torch.as_tensor(inputs)
    if not inputs.is_floating_point():
        inputs = inputs.float()
    training = bool(training) if training is not None else False
    masks = [_keep_mask(inputs, rate, cell._mask_generator(inputs)) if training else torch.ones_like(inputs)
             for _ in range(count)]
    return masks if count > 1 else masks[0]
