"""ELU layer: x if x > 0 else alpha * (exp(x) - 1)."""
import torch.nn.functional as F

from tkeras.layers.layer import Layer


class ELU(Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        return F.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        # Keras 3 writes alpha right after the name.
        return {"name": config.pop("name"), "alpha": self.alpha, **config}
