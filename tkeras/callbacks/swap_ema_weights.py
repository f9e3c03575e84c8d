"""SwapEMAWeights: evaluate, predict and checkpoint with the optimizer's moving averages of the weights.

With `use_ema=True` the optimizer keeps an exponential moving average of every weight it updates.
This callback exchanges the model's weights with those averages around each evaluation and
prediction (validation inside `fit` included), so the reported metrics are those of the averaged
model while training goes on with the raw weights. With `swap_on_epoch=True` the averages also stay
in the model from the end of each epoch to the start of the next, so callbacks that run after it at
epoch end (ModelCheckpoint, ...) see them; put it before those in the list.

The exchange is in place (`torch.Tensor.copy_` through one temporary per weight), so weights keep
their identity, device and the optimizer's references to them.
"""
import torch

from tkeras.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    # -- the optimizers that hold averages ------------------------------------------------------------
    def _ema_optimizers(self):
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        candidates = list(getattr(optimizer, "optimizers", None) or [optimizer])  # MultiOptimizer
        with_ema = [o for o in candidates if getattr(o, "use_ema", False)]
        if not with_ema:
            found = ", ".join(f"{type(o).__name__}(use_ema={getattr(o, 'use_ema', None)})" for o in candidates)
            raise ValueError(f"SwapEMAWeights needs an optimizer created with `use_ema=True`; the model's "
                             f"optimizer is {found}")
        return with_ema

    @staticmethod
    def _pairs(optimizer):
        return list(zip(optimizer._built_variables, optimizer._averages or []))

    def _swap(self):
        with torch.no_grad():
            for optimizer in self._ema_optimizers():
                for weight, average in self._pairs(optimizer):
                    held = weight.detach().clone()
                    weight.copy_(average)
                    average.copy_(held)

    def _averages_from_model(self):
        """After the last epoch's swap the model holds the averages: put them back where
        `finalize_variable_values` (end of fit) reads them."""
        with torch.no_grad():
            for optimizer in self._ema_optimizers():
                for weight, average in self._pairs(optimizer):
                    average.copy_(weight)

    def _swap_in(self):
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def _swap_out(self):
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    # -- hooks ------------------------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            if epoch == self.params.get("epochs", 0) - 1:
                self._averages_from_model()

    def on_test_begin(self, logs=None):
        self._swap_in()

    def on_test_end(self, logs=None):
        self._swap_out()

    def on_predict_begin(self, logs=None):
        self._swap_in()

    def on_predict_end(self, logs=None):
        # Keras 3.15.1 tests `not in model` here and so leaves the averages in after predict();
        # swapping back is what its docstring promises and what evaluate() does.
        self._swap_out()
