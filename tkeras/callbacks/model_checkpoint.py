"""ModelCheckpoint: save the model (or its weights) every epoch, every N batches, or when it improves.

`filepath` may be a template filled from the epoch number and the logs, e.g.
`'weights.{epoch:02d}-{val_loss:.4f}.hdf5'`; the extension picks the format (`.keras` Keras 3 zip,
`.h5` Keras 2 HDF5, `.weights.h5` weights). Every write is atomic, so a run killed mid-save still
leaves the previous checkpoint loadable.
"""
import os
import warnings

from tkeras.callbacks.log_names import with_other_spellings
from tkeras.callbacks.monitor_callback import MonitorCallback, is_number, monitored_value
from tkeras.saving.weights_load_status import checkpoint_file


class ModelCheckpoint(MonitorCallback):
    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None, **kwargs):
        period = kwargs.pop("period", None)  # Keras 2: save every `period` epochs
        kwargs.pop("options", None)
        self.load_weights_on_restart = bool(kwargs.pop("load_weights_on_restart", False))  # Keras 2; unused
        if kwargs:
            raise TypeError(f"ModelCheckpoint: unexpected keyword argument(s) {sorted(kwargs)}")
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and not (isinstance(save_freq, int) and not isinstance(save_freq, bool)
                                         and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq: {save_freq!r}. Expected save_freq "
                             f"to be 'epoch' or a positive integer (a number of batches)")
        self.save_freq = save_freq
        self.period = int(period) if period else 1
        self._epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    @property
    def epochs_since_last_save(self):
        """Epochs ended since the last file was written (tf-keras 2's counter for `period`)."""
        return self._epochs_since_last_save

    @epochs_since_last_save.setter
    def epochs_since_last_save(self, value):
        self._epochs_since_last_save = int(value)

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def _implements(self, hook):
        if hook == "on_train_batch_end":
            return self.save_freq != "epoch"
        return super()._implements(hook)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq != "epoch":
            return
        self._epochs_since_last_save += 1
        if self._epochs_since_last_save >= self.period:
            self._epochs_since_last_save = 0
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch started counting from 0
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = monitored_value(logs, self.monitor)
        if current is None:
            if _only_tf_keras_takes(self.filepath, self.save_weights_only):
                warnings.warn(f"Can save best model only with {self.monitor} available, skipping.", stacklevel=4)
                return False
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=4)
            return True
        if not is_number(current):
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                          f"Falling back to `save_best_only=False`.", stacklevel=4)
            return True
        best_text = self._best_as_text()
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_text} to {current:.5f}, "
                      f"saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_text}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = _plain(logs)
        filepath = self._get_file_path(epoch, batch, logs)
        written = checkpoint_file(filepath) if self.save_weights_only else filepath
        if os.path.isdir(written):
            raise IOError(f"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                          f"existing directory: {filepath}")
        if not self._should_save(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _get_file_path(self, epoch, batch, logs):
        values = with_other_spellings(logs)  # a template may name a metric as any Keras era logged it
        try:
            if batch is None or "batch" in values:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except KeyError as exc:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {exc}. '
                           f'Available keys: {["epoch"] + sorted(values)}') from None


def _only_tf_keras_takes(filepath, save_weights_only):
    """Whether `filepath` is one that Keras 3 refuses (a SavedModel folder, a TF checkpoint prefix such as
    'checkpoint.ckpt'): then the script is tf-keras 2 code, and gets tf-keras 2's answer to a monitored
    value missing from the logs, which is to skip the save. Keras 3 saves anyway. (Generative Deep
    Learning 2nd ed.'s VAEs monitor "loss" while their train_step logs "total_loss".)"""
    if save_weights_only:
        return not filepath.endswith(".weights.h5")
    return not filepath.endswith((".keras", ".h5"))


def _plain(logs):
    """Batch logs hold 0-dim tensors; formatting and comparing want Python numbers."""
    result = {}
    for key, value in dict(logs or {}).items():
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            value = value.item()
        result[key] = value
    return result
