"""Dropout masks of recurrent cells: drawn once per sequence and reused at every step.

Keras drops the same input features and the same recurrent units at every time step of one sequence
(variational dropout); a fresh mask per step would be ordinary dropout and regularize differently.
The RNN layer asks the cell for its masks before the loop and clears them after, so each batch gets
new ones; a cell called on its own draws a mask per call.
"""
import torch


def _keep_mask(like, rate):
    """A scaled keep-mask: 0 with probability `rate`, 1/(1-rate) otherwise."""
    keep = torch.rand(like.shape, dtype=like.dtype, device=like.device) >= rate
    return keep.to(like.dtype) / (1.0 - rate)


class DropoutRNNCell:
    """Mixed into cells that have `dropout` and `recurrent_dropout` rates."""

    _dropout_mask = None
    _recurrent_dropout_mask = None
    _cell_dropout_masks = None  # tf-keras 2's get_dropout_mask_for_cell cache
    _cell_recurrent_dropout_masks = None

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = _keep_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, state):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = _keep_mask(state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None
        self._cell_dropout_masks = None

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
        input_mask = _keep_mask(inputs, self.dropout) if self.dropout > 0 else None
        state_mask = _keep_mask(state, self.recurrent_dropout) if self.recurrent_dropout > 0 else None
        return input_mask, state_mask


def _cell_masks(cell, method, inputs, training, count, rate):
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"{type(cell).__name__}.{method}: `count` must be a positive int, received {count!r}")
    inputs = inputs if isinstance(inputs, torch.Tensor) else torch.as_tensor(inputs)
    if not inputs.is_floating_point():
        inputs = inputs.float()
    training = bool(training) if training is not None else False
    masks = [_keep_mask(inputs, rate) if training else torch.ones_like(inputs) for _ in range(count)]
    return masks if count > 1 else masks[0]
