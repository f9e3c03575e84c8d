"""TerminateOnNaN: stop `fit` at the first batch whose loss is NaN or infinite.

By default the stop is graceful (`model.stop_training`), so the epoch ends and every callback's
`on_train_end` still runs. `raise_error=True` (Keras 3.10+) raises a RuntimeError out of `fit`
at once instead, so no later hook runs: a BackupAndRestore keeps its last good backup rather than
deleting it as a finished run would, and scripts see the failure as an exception.
"""
import math

import numpy as np

from tkeras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    def __init__(self, raise_error=False):
        super().__init__()
        if not isinstance(raise_error, (bool, np.bool_)):
            raise TypeError(f"TerminateOnNaN: `raise_error` must be True or False, received "
                            f"raise_error={raise_error!r} of type {type(raise_error).__name__}")
        self.raise_error = bool(raise_error)

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)  # one read of a 0-dim tensor per batch: the price of watching every batch
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(f"TerminateOnNaN: the loss became {loss} at batch {batch}; training "
                                   f"stops here (raise_error=True), without the end-of-training callbacks")
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
