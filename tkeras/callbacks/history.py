"""History: the per-epoch logs fit returns (`history.history['val_loss']`)."""
from tkeras.callbacks.callback import Callback


class HistoryDict(dict):
    """A dict of per-epoch lists that also answers the other spelling of accuracy keys.

    Keras 1/2 scripts read `history['acc']` where newer Keras logs 'accuracy', and the reverse; the
    stored keys stay exactly as the user named the metrics.
    """

    _SPELLINGS = (("accuracy", "acc"), ("acc", "accuracy"))

    def __missing__(self, key):
        for prefix in ("", "val_"):
            for new, old in self._SPELLINGS:
                if key == prefix + old and prefix + new in self:
                    return dict.__getitem__(self, prefix + new)
        raise KeyError(key)


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
