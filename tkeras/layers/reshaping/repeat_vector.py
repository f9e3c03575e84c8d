"""RepeatVector(n): (batch, features) -> (batch, n, features), e.g. to feed an encoding to a decoder RNN."""
import numbers

from tkeras.layers.layer import InputSpec, Layer


class RepeatVector(Layer):
    def __init__(self, n=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
            raise ValueError(f"RepeatVector: n must be a positive integer, received n={n!r}")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return inputs.unsqueeze(1).repeat(1, self.n, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
