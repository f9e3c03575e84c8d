"""tf-keras 2's premade `WideDeepModel` (`keras.experimental.WideDeepModel`): the sum of a linear ("wide")
model and a deep network, optionally through an activation, trained jointly (Cheng et al., 2016).

`compile(optimizer=[linear_optimizer, dnn_optimizer])` gives each half its own optimizer (the paper's
FTRL for the wide half, Adagrad/Adam for the deep one); a single optimizer trains both.
"""
from tkeras import activations
from tkeras.models.model import Model


class WideDeepModel(Model):
    """activation(linear_model(linear_inputs) + dnn_model(dnn_inputs)).

    Called with a list of two inputs, the first goes to the linear model and the second to the deep one;
    any other input goes to both.

    Example:
        linear = keras.experimental.LinearModel()
        dnn = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
        model = keras.experimental.WideDeepModel(linear, dnn, activation="sigmoid")
        model.compile(optimizer=["ftrl", "adam"], loss="binary_crossentropy")
    """

    def __init__(self, linear_model, dnn_model, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.linear_model = linear_model
        self.dnn_model = dnn_model
        self.activation = activations.get(activation)
        self._dnn_optimizer = None

    def call(self, inputs, training=None):
        if isinstance(inputs, (tuple, list)) and len(inputs) == 2:
            linear_inputs, dnn_inputs = inputs
        else:
            linear_inputs = dnn_inputs = inputs
        output = self.linear_model(linear_inputs) + self.dnn_model(dnn_inputs, training=training)
        return self.activation(output) if self.activation is not None else output

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        """As `Model.compile`; `optimizer` may also be a pair (linear model's, deep model's)."""
        from tkeras import optimizers
        self._dnn_optimizer = None
        if isinstance(optimizer, (list, tuple)):
            if len(optimizer) != 2:
                raise ValueError(f"WideDeepModel.compile: 'optimizer' is one optimizer or a pair (linear model's, "
                                 f"deep model's), received {len(optimizer)} optimizers")
            optimizer, dnn_optimizer = optimizer
            self._dnn_optimizer = optimizers.get(dnn_optimizer)
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    @property
    def optimizers(self):
        """(linear model's optimizer, deep model's optimizer); the same one twice when only one was given."""
        return self.optimizer, self._dnn_optimizer or self.optimizer

    def _minimize(self, loss):
        if self._dnn_optimizer is None:
            return super()._minimize(loss)
        parts = [(self.optimizer, [w for w in self.linear_model.trainable_weights if w.requires_grad]),
                 (self._dnn_optimizer, [w for w in self.dnn_model.trainable_weights if w.requires_grad])]
        for _, params in parts:
            for p in params:
                p.grad = None
        loss.backward()
        for optimizer, params in parts:
            if params:
                optimizer.step_from_grads(params)

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"name": self.name, "trainable": self.trainable,
                "linear_model": serialize_keras_object(self.linear_model),
                "dnn_model": serialize_keras_object(self.dnn_model),
                "activation": activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        linear_model = deserialize_keras_object(config.pop("linear_model"), custom_objects=custom_objects)
        dnn_model = deserialize_keras_object(config.pop("dnn_model"), custom_objects=custom_objects)
        activation = activations.deserialize(config.pop("activation", None)) if config.get("activation") else None
        config.pop("activation", None)
        return cls(linear_model=linear_model, dnn_model=dnn_model, activation=activation, **config)
