"""tf-keras 2's `callbacks.experimental.UpdateEmbeddingCallback`: every `interval` seconds, move a
DynamicEmbedding layer's vocabulary to the keys the data brought most often (`update_embeddings`) and
zero the optimizer's state for it, whose rows no longer mean the same keys.

It is a TimedThread: the timer runs from `start()` (or a `with` block) to `stop()`, and fires at once.
tf-keras updates from the timer's thread inside a tf.CriticalSection, which serializes the update with
the training step. torch has no such section, so while `fit` runs the timer only marks an update as due
and the update happens between two training batches, where no step reads the weights; outside `fit`
it happens in the timer's thread at once, as in tf-keras.
"""
import threading

import torch

from tkeras.callbacks.callback import Callback
from tkeras.utils.timed_threads import TimedThread

# tf-keras picks the optimizer's variables for the embedding by this part of their names
_STATE_NAME_PART = "dynamic_embedding"


class UpdateEmbeddingCallback(TimedThread, Callback):
    def __init__(self, dynamic_embedding_layer, interval):
        self._epoch = 0
        TimedThread.__init__(self, interval)
        Callback.__init__(self)
        self._dynamic_embedding_layer = dynamic_embedding_layer
        self.strategy = None  # (tf-keras' distribution strategy; one process here)
        self._update_due = threading.Event()
        self._training = False

    def on_interval(self):
        if self._training:
            self._update_due.set()
        else:
            self._update()

    def on_train_begin(self, logs=None):
        self._training = True

    def on_train_batch_end(self, batch, logs=None):
        if self._update_due.is_set():
            self._update_due.clear()
            self._update()

    def on_train_end(self, logs=None):
        self._training = False

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _update(self):
        self._dynamic_embedding_layer.update_embeddings(self.strategy)
        self._reset_optimizer()

    def _reset_optimizer(self):
        """Zero the optimizer's moments for the remapped embedding (their rows changed keys)."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return
        with torch.no_grad():
            for variable in optimizer.variables:
                if _STATE_NAME_PART in variable.name:
                    variable.assign(torch.zeros_like(variable))
