"""tf-keras 2's dropout-mask methods on the GRU and LSTM layers, answered by the layer's cell.

tf-keras' GRU/LSTM layers carry the cell's mask API themselves (for their fused kernels). tkeras keeps
the masks in one place, the cell, so the layer's methods ask it: a mask drawn through the layer is the
one its cell holds, and resetting through the layer resets the cell's.
"""


class LayerDropoutMasks:
    def get_dropout_mask_for_cell(self, inputs, training, count=1):
        """The input dropout mask(s) for `inputs` (see the cell's method of the same name)."""
        return self.cell.get_dropout_mask_for_cell(inputs, training, count=count)

    def get_recurrent_dropout_mask_for_cell(self, inputs, training, count=1):
        """The recurrent dropout mask(s) for a state shaped like `inputs`."""
        return self.cell.get_recurrent_dropout_mask_for_cell(inputs, training, count=count)

    def reset_dropout_mask(self):
        """Forget the cached input dropout mask; the next request draws a new one."""
        self.cell.reset_dropout_mask()

    def reset_recurrent_dropout_mask(self):
        """Forget the cached recurrent dropout mask."""
        self.cell.reset_recurrent_dropout_mask()
