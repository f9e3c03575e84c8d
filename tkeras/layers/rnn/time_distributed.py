"""TimeDistributed(layer): the same layer (same weights) applied to every time step.

The time axis is folded into the batch for one call of the inner layer, which is what the loop over
steps would compute, in one kernel launch per op instead of one per step.
"""
from tkeras.layers.core.wrapper import Wrapper
from tkeras.layers.layer import InputSpec, Layer


class TimeDistributed(Wrapper):
    def __init__(self, layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: `layer` must be a tkeras Layer instance, received {layer!r}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed {self.name!r} expects inputs of at least rank 3 "
                             f"(batch, time, ...), received input shape {input_shape}")
        if not self.layer.built:
            self.layer._build_from_shape((None,) + tuple(input_shape[2:]))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        folded = inputs.reshape((batch * steps,) + tuple(inputs.shape[2:]))
        kwargs = {"training": training} if self.layer._call_takes_training else {}
        if mask is not None and self.layer._call_takes_mask:
            kwargs["mask"] = mask.reshape((batch * steps,) + tuple(mask.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        return outputs.reshape((batch, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        return cls(layer, **config)
