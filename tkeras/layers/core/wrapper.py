"""Wrapper: the public base class of layers that hold one other layer and change how it is applied
(TimeDistributed, SpectralNormalization; Keras 3's Bidirectional is a plain Layer).

The wrapped layer sits under the attribute `layer`, which is where Keras saves its weights
(`<path>/layer/vars`), and its config is written under the key "layer".
"""
from tkeras.layers.layer import Layer


class Wrapper(Layer):
    """Base class of wrappers: holds `layer`, builds it on the wrapper's input shape if it is not
    built, and writes it into the config. Not meant to be used as a layer by itself.

    Args:
        layer: the `Layer` instance to wrap.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: `layer` must be a Layer instance, received {layer!r} "
                             f"(of type {type(layer).__name__})")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._build_from_shape(input_shape)
        self.built = True

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.config_compat import class_config, normalize
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        if "layer" not in config:
            raise ValueError(f"{cls.__name__}.from_config: the config has no 'layer' entry (the wrapped "
                             f"layer's config), received keys {sorted(config)}")
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        return cls(layer, **class_config(cls, normalize(config)))
