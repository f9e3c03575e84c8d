"""BaseLogger (tf-keras 2, Keras 1): epoch averages of the batch logs, weighted by batch size.

Keras 1's loops put each batch's `size` in the batch logs and relied on this callback for the epoch
figures; tkeras' loops compute epoch logs themselves (as Keras 2 and 3 do), so here it only changes
an epoch's logs when the batch logs it saw carried a `size` (a custom loop calling the hooks as
Keras 1 did). tf-keras 2.21's own version fails with KeyError 'metrics' inside `fit`, which no
longer passes that parameter; here the metric names default to those the batches reported.
"""
from tkeras.callbacks.callback import Callback


class BaseLogger(Callback):
    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen = 0
        self.totals = {}

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + float(value) * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None or not self.seen:
            return
        names = self.params.get("metrics") or [k for k in self.totals if k not in ("batch", "size", "num_steps")]
        for key in names:
            if key in self.totals:
                logs[key] = self.totals[key] if key in self.stateful_metrics else self.totals[key] / self.seen
