"""Pipeline (Keras 3): a plain layer that applies a list of layers in turn, typically preprocessing
and augmentation. Unlike Sequential it is not a model (no compile/fit, no Input), and its config is
only the layers and the name.

Each layer gets the previous one's mask and, when it takes one, the training flag. A Pipeline called
with no training flag and outside fit/predict runs its layers in training mode, as Keras' default
`training=True` does (augmentations active).
"""
from tkeras.backend.context import CALL_CONTEXT
from tkeras.layers.layer import Layer


class Pipeline(Layer):
    """Applies `layers` one after the other.

    Args:
        layers: a list of layer instances.
        name: the layer's name.

    Example:
        >>> augment = Pipeline([keras.layers.RandomFlip(), keras.layers.RandomRotation(0.1)])
        >>> images = augment(images)
    """

    def __init__(self, layers, name=None):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of layer instances, received {layers!r}")
        super().__init__(name=name)
        # Keras saves the layers' weights under `<pipeline>/layers/<snake_case class>`: register them
        # under that attribute name (the plain list stays out of nn.Module's tracking).
        self.__dict__["_pipeline_layers"] = list(layers)
        self._track_container("layers", self._pipeline_layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def build(self, input_shape):
        # Each layer is built on the shape the previous one gives, so the weights exist (and a model is
        # saved whole) before the first real call, as Keras' symbolic call builds them.
        for layer in self._pipeline_layers:
            if not layer.built:
                layer._build_from_shape(input_shape)
            input_shape = layer.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs, training=True, mask=None):
        if not training and CALL_CONTEXT.training is None:
            training = True  # nobody asked for inference: Keras' call default applies
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_takes_mask:
                kwargs["mask"] = mask
            if layer._call_takes_training:
                kwargs["training"] = training
            outputs = layer(outputs, **kwargs)
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"layers": [serialize_keras_object(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config):
        from tkeras.saving.serialization import deserialize_keras_object
        layers = config.get("layers") if isinstance(config, dict) else None
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"Pipeline.from_config: the config must hold 'layers', a list of layer configs, "
                             f"received layers={layers!r}")
        return cls([deserialize_keras_object(layer) for layer in layers], name=config.get("name"))
