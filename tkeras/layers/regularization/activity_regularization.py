"""ActivityRegularization: pass inputs through unchanged, adding l1*sum|x| + l2*sum(x^2) to the loss.

The penalty goes through the base layer's activity-regularizer hook, so it is divided by the batch
size and collected by fit exactly as `Dense(..., activity_regularizer=...)` penalties are (Keras 3).
"""
from tkeras import regularizers
from tkeras.layers.layer import Layer


class ActivityRegularization(Layer):
    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # written by Keras 3's get_config; implied by l1/l2
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)  # implied by l1/l2; Keras 3.15 does not write it
        config.update({"l1": self.l1, "l2": self.l2})
        return config
