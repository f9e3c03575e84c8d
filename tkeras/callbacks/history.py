"""History: the per-epoch logs fit returns (`history.history['val_loss']`)."""
from tkeras.callbacks.callback import Callback
from tkeras.callbacks.log_names import AnswersOtherSpellings


class HistoryDict(AnswersOtherSpellings):
    """Per-epoch lists under the logged names, also answering another era's name of a metric (log_names);
    a name that no logged metric answers raises a KeyError that lists the keys there are."""

    def _missing_key_error(self, key):
        return MissingHistoryKey(key, list(self))


class MissingHistoryKey(KeyError):
    """`history.history[name]` for a name nothing was logged under; the message lists what was."""

    def __init__(self, key, logged_keys):
        super().__init__(key)
        self.key, self.logged_keys = key, logged_keys

    def __str__(self):
        return (f"{self.key!r}: no metric was logged under this name. The history has {sorted(self.logged_keys)}. "
                f"A metric is logged under the name given to compile (a function under its own name, e.g. "
                f"metrics=[binary_accuracy] -> 'binary_accuracy'), with 'val_' in front for validation data")


class History(Callback):
    def __init__(self):
        super().__init__()
        self.history = HistoryDict()
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
        if self.model is not None:
            self.model.history = self
