"""LambdaCallback: a callback made of plain functions, one per hook (`on_epoch_end=lambda e, logs: ...`)."""
from tkeras.callbacks.callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_batch_begin",
          "on_batch_end", "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class LambdaCallback(Callback):
    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_batch_begin=None, on_batch_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end)
        unknown = set(kwargs) - set(_HOOKS)
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hook(s) {sorted(unknown)}; the hooks are {list(_HOOKS)}")
        given.update(kwargs)
        self._given = {name: fn for name, fn in given.items() if fn is not None}
        for name, fn in self._given.items():
            setattr(self, name, _logs_optional(fn, takes_index="epoch" in name or "batch" in name))

    def _implements(self, hook):
        """The loop asks which batch hooks anyone listens to; here the answer is per instance."""
        return hook in self._given or super()._implements(hook)


def _logs_optional(fn, takes_index):
    """Hooks are called with `logs` or without it; the user's function always receives it."""
    if takes_index:
        return lambda index, logs=None: fn(index, logs)
    return lambda logs=None: fn(logs)
