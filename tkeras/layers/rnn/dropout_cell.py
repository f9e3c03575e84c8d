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

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _step_masks(self, inputs, state, training):
        """The masks for one step: the per-sequence ones while an RNN loops, fresh ones otherwise."""
        if not training:
            return None, None
        if getattr(self, "_in_sequence", False):
            return self.get_dropout_mask(inputs), self.get_recurrent_dropout_mask(state)
        input_mask = _keep_mask(inputs, self.dropout) if self.dropout > 0 else None
        state_mask = _keep_mask(state, self.recurrent_dropout) if self.recurrent_dropout > 0 else None
        return input_mask, state_mask
