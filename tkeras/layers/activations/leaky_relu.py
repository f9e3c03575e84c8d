"""LeakyReLU: x if x > 0 else slope * x. The slope defaults to 0.3 in Keras 1, 2 and 3 alike
(unlike the `leaky_relu` activation function's 0.2); Keras 2 called it `alpha`, Keras 3
`negative_slope`, and both spellings are accepted."""
import torch.nn.functional as F

from tkeras.layers.layer import Layer


class LeakyReLU(Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, negative_slope=0.3, **kwargs):
        negative_slope = kwargs.pop("alpha", negative_slope)
        super().__init__(**kwargs)
        if negative_slope is None or float(negative_slope) < 0:
            raise ValueError(f"LeakyReLU: negative_slope (alpha) must be a non-negative number, "
                             f"received {negative_slope!r}")
        self.negative_slope = float(negative_slope)
        self.supports_masking = True

    @property
    def alpha(self):
        return self.negative_slope

    def call(self, inputs):
        return F.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
