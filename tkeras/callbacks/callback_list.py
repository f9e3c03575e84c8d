"""Fans each hook out to a list of callbacks, and adds the History and progress-bar callbacks fit needs."""
from tkeras.backend import captured_tensors
from tkeras.backend.context import CALL_CONTEXT
from tkeras.callbacks.callback import Callback
from tkeras.callbacks.callback_list_legacy import CallbackListLegacyMethods
from tkeras.callbacks.era_logs import hook_logs, write_back

_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
                "on_predict_batch_begin", "on_predict_batch_end")


class CallbackList(CallbackListLegacyMethods):
    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        from tkeras.callbacks.history import History
        from tkeras.callbacks.progbar_logger import ProgbarLogger
        if isinstance(callbacks, Callback) or hasattr(callbacks, "on_epoch_end"):
            callbacks = [callbacks]  # `fit(callbacks=EarlyStopping(...))`: one callback, as Keras takes it
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback) and not hasattr(cb, "on_epoch_end"):
                raise TypeError(f"callbacks must be Callback instances, received {cb!r}")
        self.history = None
        if add_history:
            existing = [cb for cb in self.callbacks if isinstance(cb, History)]
            self.history = existing[0] if existing else History()
            if not existing:
                self.callbacks.append(self.history)
        # The bar comes last, as in Keras 2 and 3: "Epoch 2/5" prints after the user's on_epoch_begin
        # output, and the epoch's final line shows what their on_epoch_end added (a scheduler's learning_rate).
        # Given `samples` and `batch_size` (tf-keras 2's graph loops, training/graph_mode_loops.py) it counts samples.
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger(count_mode="samples" if "samples" in params else "steps"))
        self.model = model
        self.params = params
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
        # Which batch hooks anybody implements: the loop only builds batch logs for those.
        self._batch_listeners = {hook: [cb for cb in self.callbacks if _implements(cb, hook)]
                                 for hook in _BATCH_HOOKS}

    def wants(self, hook):
        return bool(self._batch_listeners.get(hook))

    # Keras 3 hands every hook a dict, an empty one where there is nothing to log, so a callback may
    # read `logs.keys()` or `logs.get(...)` without a None check; a Keras 2.0 callback's
    # `logs.get('acc')` finds the 'accuracy' that is logged now (era_logs.py).
    # Hooks are user code: the loops' raw-tensor setting is lifted while they run, so a model called
    # from a callback gives TensorFlow-like results (`.numpy()` on an output with gradient history).
    # So are the step's published graph values (backend/captured_tensors.py): ops a hook applies to graph
    # tensors build graph nodes, as outside the loop.
    def _call(self, hook, *args):
        *position, logs = args
        saved_raw, CALL_CONTEXT.raw = CALL_CONTEXT.raw, False
        held = captured_tensors.suspend()
        shown = hook_logs(logs)
        try:
            for cb in self.callbacks:
                getattr(cb, hook)(*position, shown)
        finally:
            CALL_CONTEXT.raw = saved_raw
            captured_tensors.resume(held)
            write_back(shown, logs)

    def _call_batch(self, hook, batch, logs):
        listeners = self._batch_listeners[hook]
        if not listeners:
            return
        saved_raw, CALL_CONTEXT.raw = CALL_CONTEXT.raw, False
        held = captured_tensors.suspend()
        shown = hook_logs(logs)
        try:
            for cb in listeners:
                getattr(cb, hook)(batch, shown)
        finally:
            CALL_CONTEXT.raw = saved_raw
            captured_tensors.resume(held)
            write_back(shown, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_batch_begin(self, batch, logs=None):
        """Keras' older name of `on_train_batch_begin` (the same hook of every callback)."""
        self.on_train_batch_begin(batch, logs)

    def on_batch_end(self, batch, logs=None):
        """Keras' older name of `on_train_batch_end` (the same hook of every callback)."""
        self.on_train_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)


def _implements(callback, hook):
    """A callback listens to a train-batch hook if it overrides it or the Keras 1/2 alias behind it."""
    if not isinstance(callback, Callback):
        return hasattr(callback, hook)
    if hook == "on_train_batch_begin":
        return callback._implements("on_train_batch_begin") or callback._implements("on_batch_begin")
    if hook == "on_train_batch_end":
        return callback._implements("on_train_batch_end") or callback._implements("on_batch_end")
    return callback._implements(hook)
