"""tf-keras 2's premade `LinearModel` (`keras.experimental.LinearModel`): y = activation(sum_i x_i W_i + b)
over one input, a list of inputs or a dict of named inputs (one kernel per input, one shared bias).

It is the "wide" half of `WideDeepModel`, and a logistic/linear regression baseline that compiles and
fits like any model. Kernels and bias start at zero, as in tf-keras.
"""
from tkeras import activations, initializers, regularizers
from tkeras.layers.core.dense import Dense
from tkeras.models.model import Model


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


class LinearModel(Model):
    """A linear (or generalized linear, with `activation`) model of its inputs.

    Example:
        model = keras.experimental.LinearModel(units=1, activation="sigmoid")
        model.compile("sgd", "binary_crossentropy")
        model.fit({"age": ages, "income": incomes}, labels)
    """

    def __init__(self, units=1, activation=None, use_bias=True, kernel_initializer="zeros", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, **kwargs):
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        super().__init__(**kwargs)

    def _dense(self, name=None):
        return Dense(self.units, use_bias=False, kernel_initializer=self.kernel_initializer,
                     kernel_regularizer=self.kernel_regularizer, name=name)

    def build(self, input_shape):
        if isinstance(input_shape, dict):  # one kernel per named input, in sorted key order
            shapes = [(name, input_shape[name]) for name in sorted(input_shape)]
        elif isinstance(input_shape, (tuple, list)) and not _is_shape(input_shape):
            shapes = [(None, shape) for shape in input_shape]
        else:
            shapes = [(None, input_shape)]
        layers = []
        for name, shape in shapes:
            layer = self._dense(name)
            layer.build(tuple(shape))
            layer.built = True
            layers.append(layer)
        self.dense_layers = layers  # assigned whole, so the model tracks each layer's kernel
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, trainable=True)
        self.built = True

    def call(self, inputs):
        if isinstance(inputs, dict):
            names = [layer.name for layer in self.dense_layers]
            missing = set(names) - set(inputs)
            if missing:
                raise ValueError(f"LinearModel: the inputs dictionary does not match the inputs the model was built "
                                 f"with. Expected keys: {sorted(names)}; received keys: {sorted(inputs)}; missing: "
                                 f"{sorted(missing)}")
            inputs = [inputs[name] for name in names]
        elif not isinstance(inputs, (tuple, list)):
            inputs = [inputs]
        if len(inputs) != len(self.dense_layers):
            raise ValueError(f"LinearModel was built for {len(self.dense_layers)} input(s), received {len(inputs)}")
        result = None
        for tensor, layer in zip(inputs, self.dense_layers):
            output = layer(tensor)
            result = output if result is None else result + output
        if self.bias is not None:
            result = result + self.bias
        return self.activation(result) if self.activation is not None else result

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
