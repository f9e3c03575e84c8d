"""TerminateOnNaN: stop `fit` at the first batch whose loss is NaN or infinite."""
import math

from tkeras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)  # one read of a 0-dim tensor per batch: the price of watching every batch
        if math.isnan(loss) or math.isinf(loss):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
