"""LearningRateScheduler: set the learning rate at the start of each epoch from `schedule(epoch, lr)`
(or the Keras 1/2 one-argument `schedule(epoch)`)."""
import numpy as np

from tkeras.callbacks._learning_rate import get_learning_rate, set_learning_rate
from tkeras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        current = get_learning_rate(self.model.optimizer, "LearningRateScheduler")
        try:
            learning_rate = self.schedule(epoch, current)
        except TypeError:  # the older one-argument schedule
            learning_rate = self.schedule(epoch)
        if hasattr(learning_rate, "item") and getattr(learning_rate, "ndim", 1) == 0:
            learning_rate = learning_rate.item()
        if not isinstance(learning_rate, (float, int, np.floating)) or isinstance(learning_rate, bool):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {learning_rate}")
        set_learning_rate(self.model.optimizer, float(learning_rate))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model.optimizer, "LearningRateScheduler")
