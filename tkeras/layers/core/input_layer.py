"""InputLayer and `Input()`: where a model's input shape is declared.

`Input(shape=...)` returns a symbolic KerasTensor; a Sequential uses its shape to build at once, and
the functional API records the graph from it.
"""
from tkeras.backend import config as backend_config
from tkeras.backend.keras_tensor import KerasTensor, register_input_maker
from tkeras.layers.layer import Layer


class InputLayer(Layer):
    def __init__(self, input_shape=None, batch_size=None, dtype=None, sparse=False, name=None,
                 batch_shape=None, input_tensor=None, ragged=False, shape=None, optional=False, **kwargs):
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if shape is not None and input_shape is None:
            input_shape = shape
        super().__init__(name=name, dtype=_plain_dtype_policy(dtype or backend_config.floatx()), **kwargs)
        if batch_shape is None:
            batch_shape = batch_input_shape
        if batch_shape is None:
            if input_shape is None:
                raise ValueError("InputLayer needs a shape: pass shape=(...) (the shape of one sample)")
            batch_shape = (batch_size,) + _sample_shape(input_shape)
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = bool(optional)
        self.built = True
        self._build_input_shape = self._batch_input_shape
        self.batch_shape = self._batch_input_shape
        self.batch_size = self._batch_input_shape[0] if self._batch_input_shape else None
        self.is_placeholder = input_tensor is None  # tf-keras
        tensor = KerasTensor(self._batch_input_shape, dtype=self.dtype, name=self.name,
                             producer=(self, 0, 0), sparse=self.sparse)
        tensor.optional = self.optional  # a functional model then takes None for it
        from tkeras.models.functional_call import Node
        Node(self, (), {}, tensor)  # node 0: where the graph starts; `output` reads it from there

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {"batch_shape": list(self._batch_input_shape), "dtype": self.dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}


def _sample_shape(input_shape):
    """tf-keras 2 takes a bare int for a one-axis sample, `Input(shape=2)`, as TensorShape(2) reads it."""
    if isinstance(input_shape, int) or hasattr(input_shape, "__index__"):
        return (int(input_shape),)
    return tuple(input_shape)


def _plain_dtype_policy(dtype):
    """An input's dtype name as a policy of that dtype: 'int8' or 'int4' names the data's dtype here, not
    the quantization mode that policy lookup reads in them (Keras accepts `Input(dtype="int8")`)."""
    if isinstance(dtype, str) and "_from_" not in dtype:
        try:
            backend_config.standardize_dtype(dtype)
        except ValueError:
            return dtype
        from tkeras.dtype_policies import DTypePolicy
        return DTypePolicy(dtype)
    return dtype


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, batch_shape=None,
          tensor=None, **kwargs):
    """A symbolic input of the given per-sample `shape` (the functional API's starting point)."""
    if shape is None and batch_shape is None:
        raise ValueError("Input needs shape=(...) (the shape of one sample, without the batch size)")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=bool(sparse), batch_shape=batch_shape, **kwargs)
    return layer.output


register_input_maker(Input)  # K.placeholder (backend, below layers) makes its inputs with it
