"""Prints `Epoch 1/20` and the progress bar (verbose=1) or one line per epoch (verbose=2)."""
from tkeras.callbacks.callback import Callback
from tkeras.utils import io_utils
from tkeras.utils.progbar import Progbar


class ProgbarLogger(Callback):
    def __init__(self, count_mode="steps", stateful_metrics=None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.progbar = None
        self._mode = "train"
        self.seen = 0  # steps (or samples) done in the current bar
        self.target = None  # steps (or samples) in the current bar (None: unknown)
        self._learned_epoch_steps = None  # steps the first epoch of unknown length ran, the later epochs' target
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        # tf-keras 2's flag. "samples" is what its graph loops (after disable_eager_execution) drew for fit on
        # arrays: "8955/8955 [===] - 2s 237us/sample", reading the `samples` and `batch_size` params.
        self.use_steps = count_mode == "steps"
        self._counting_samples = False  # only where the loop gives those params; tkeras' eager loops count steps

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self._counting_samples = not self.use_steps and "samples" in params and "batch_size" in params

    def _new_bar(self, target, unit_name="step"):
        self.progbar = Progbar(target=target, verbose=self.verbose, unit_name=unit_name)
        self.seen, self.target = 0, target

    def on_train_begin(self, logs=None):
        self._mode = "train"
        self._learned_epoch_steps = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs > 1:  # a single epoch gets no header, as in Keras 2 and 3
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")
        if self._counting_samples:
            self._new_bar(self.params["samples"], unit_name="sample")
            return
        self._new_bar(self.params.get("steps") or self._learned_epoch_steps)

    def on_train_batch_end(self, batch, logs=None):
        # Never finalize here: the epoch's last line waits for on_epoch_end, which brings val_* too.
        self.seen = batch + 1
        if self._counting_samples:
            self.seen = min(self.seen * self.params["batch_size"], self.params["samples"])
        if self.progbar is not None:
            self.progbar.update(self.seen, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.progbar is not None:
            count = self._final_count()
            if not self.params.get("steps"):
                self._learned_epoch_steps = count
            self.progbar.update(count, logs, finalize=True)
            self.progbar = None

    def _final_count(self):
        """Keras (2 and 3) closes a bar at its target even when the epoch ended early (stop_training set in
        on_train_batch_end: '4/4 [====]' after one step). A bar of unknown length (a generator, a filtered
        tf.data pipeline) learns its length when it ends and closes as a full bar, '22/22 [====]', not
        '22/Unknown'; fit's later epochs then run with that count as their target."""
        if not self.progbar.target:
            self.progbar.target = self.progbar._seen
        return self.progbar.target

    def on_test_begin(self, logs=None):
        if self.model is not None and getattr(self.model, "_in_fit", False):
            return  # validation inside fit: no bar of its own, as Keras
        self._mode = "test"
        self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if self._mode == "test" and self.progbar is not None:
            self.progbar.update(batch + 1, logs, finalize=False)

    def on_test_end(self, logs=None):
        if self._mode == "test" and self.progbar is not None:
            self.progbar.update(self._final_count(), logs, finalize=True)
            self.progbar = None

    def on_predict_begin(self, logs=None):
        self._mode = "predict"
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        if self.progbar is not None:
            self.progbar.update(batch + 1, finalize=False)

    def on_predict_end(self, logs=None):
        if self.progbar is not None:
            self.progbar.update(self._final_count(), finalize=True)
            self.progbar = None
