"""The Callback base class: hooks the fit/evaluate/predict loops call, with `self.model` and `self.params`.

Batch-level `logs` hold 0-dim tensors (reading one waits for the device; most callbacks never read
them per batch); epoch-level logs hold Python floats.
"""


class Callback:
    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    # Keras calls these with (batch|epoch, logs). The defaults do nothing.
    def on_batch_begin(self, batch, logs=None):
        """Keras 1/2 name of on_train_batch_begin."""

    def on_batch_end(self, batch, logs=None):
        """Keras 1/2 name of on_train_batch_end."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def _implements(self, hook):
        """Whether a subclass overrides a batch hook (the loop skips building logs nobody reads)."""
        return getattr(type(self), hook) is not getattr(Callback, hook)
