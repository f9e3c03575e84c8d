"""The logs dict a callback hook receives, answering a metric's older or newer name as well.

Keras 2.0 to 2.2 logged `metrics=['accuracy']` as 'acc' (and 'val_acc'), and the custom callbacks of that
era read `logs.get('acc')` in `on_epoch_end` / `on_batch_end`. Keras 2.3+ and Keras 3 log 'accuracy', so
those reads silently give None and the user's curves come out empty. The hooks get a copy of the logs
whose keys stay exactly as logged, but whose `[]` and `get` also find a metric under another era's name
(see `log_names`). What a hook adds to or removes from its copy is written back to the loop's dict, so
a callback that puts 'lr' into the logs is still seen by the next callback, History and the fit loop.
"""
from tkeras.callbacks.log_names import AnswersOtherSpellings


def hook_logs(logs):
    """The dict handed to the hooks for `logs` (None -> an empty one, as Keras 3 hands)."""
    return AnswersOtherSpellings() if logs is None else AnswersOtherSpellings(logs)


def write_back(hook_copy, logs):
    """Carry what the hooks changed in their copy back into the loop's `logs` dict.

    Values are compared by identity: they may be arrays or tensors, whose `==` is elementwise."""
    if logs is None:
        return
    if len(hook_copy) == len(logs) and all(logs.get(key, hook_copy) is value for key, value in hook_copy.items()):
        return
    logs.clear()
    logs.update(hook_copy)
