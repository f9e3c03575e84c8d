"""tf-keras 2's CallbackList extras: `append`, `set_model`, `set_params`, `make_logs`."""


class CallbackListLegacyMethods:
    def append(self, callback):
        """Add a callback at the end of the list (it receives every later hook, batch hooks included)."""
        from tkeras.callbacks.callback_list import _BATCH_HOOKS, _implements
        self.callbacks.append(callback)
        for hook in _BATCH_HOOKS:
            if _implements(callback, hook):
                self._batch_listeners[hook].append(callback)

    def set_params(self, params):
        """Hand `params` (epochs, steps, verbose) to the list and every callback in it."""
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        """Hand `model` to the list and every callback; a History in the list becomes `model.history`."""
        self.model = model
        if getattr(self, "history", None) is not None and model is not None:
            model.history = self.history
        for callback in self.callbacks:
            callback.set_model(model)

    def make_logs(self, model, logs, outputs, mode, prefix=""):
        """Fill `logs` from a step's `outputs`: for training and evaluation, one entry per name in
        `model.metrics_names` (with `prefix`); otherwise (prediction) the outputs under "outputs".
        With no callbacks there is nobody to read them and `logs` comes back unchanged."""
        if not self.callbacks:
            return logs
        names = list(getattr(model, "metrics_names", None) or []) if mode in ("train", "test") else []
        if names:
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            for name, value in zip(names, outputs):
                logs[prefix + name] = value
        else:
            logs["outputs"] = outputs
        return logs
