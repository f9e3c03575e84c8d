"""Keras 3's `keras.Function`: a graph of layers and ops from input KerasTensors to outputs, callable on
real tensors, without a model's training machinery (no weights tracking for fit, no compile).

    x = keras.Input((3,)); y = keras.ops.sum(x * 2, axis=-1)
    f = keras.Function(x, y)
    f(np.ones((2, 3)))            # [6., 6.]

tkeras keeps the graph in a functional model (the execution plan is the same) and exposes Keras'
Function surface on top: `inputs`, `outputs`, `operations`, `__call__`, `compute_output_spec`.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.backend.naming import unique_name
from tkeras.utils import tree


class Function:
    """A callable graph from `inputs` to `outputs` (KerasTensors, or nested lists/dicts of them)."""

    def __init__(self, inputs, outputs, name=None):
        from tkeras.models.functional import Functional
        for role, structure in (("inputs", inputs), ("outputs", outputs)):
            strays = [value for value in tree.flatten(structure) if not isinstance(value, KerasTensor)]
            if strays:
                raise ValueError(f"keras.Function: every one of {role} must be a KerasTensor (from keras.Input and "
                                 f"the layers/ops applied to it); received {type(strays[0]).__name__}")
        self.name = name or unique_name("function")
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self._graph = Functional(inputs, outputs, name=self.name)

    @property
    def inputs(self):
        return tree.flatten(self._inputs_struct)

    @property
    def outputs(self):
        return tree.flatten(self._outputs_struct)

    @property
    def operations(self):
        """The layers and op nodes of the graph in execution order (the inputs' InputLayers included)."""
        return self._graph.operations

    def __call__(self, inputs):
        return self._graph(inputs, training=False)

    def call(self, inputs):
        return self(inputs)

    def compute_output_spec(self, inputs):
        """The output KerasTensors (their shapes and dtypes); `inputs` must match the graph's inputs."""
        given = [value.shape for value in tree.flatten(inputs)]
        expected = [tensor.shape for tensor in self.inputs]
        if len(given) != len(expected) or any(
                len(g) != len(e) or any(a is not None and b is not None and a != b for a, b in zip(g, e))
                for g, e in zip(given, expected)):
            raise ValueError(f"Function {self.name!r}: input shapes {given} do not match the graph's inputs "
                             f"{expected}")
        return tree.map_structure(lambda t: KerasTensor(t.shape, dtype=t.dtype), self._outputs_struct)

    def compute_output_shape(self, input_shape):
        """The output shape(s) for inputs of `input_shape` (a shape tuple, or a list/dict of them)."""
        single = isinstance(input_shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in input_shape)
        shapes = [tuple(input_shape)] if single else tree.flatten(
            tree.map_structure(tuple, input_shape) if isinstance(input_shape, dict) else list(input_shape))
        if single is False and shapes and all(d is None or isinstance(d, int) for d in shapes):
            shapes = [tuple(shapes)]
        specs = self.compute_output_spec([KerasTensor(shape) for shape in shapes])
        batch = shapes[0][0] if shapes and shapes[0] else None
        return tree.map_structure(lambda t: (batch,) + tuple(t.shape[1:]) if t.shape and t.shape[0] is None
                                  else tuple(t.shape), specs)

    def symbolic_call(self, inputs):
        """The graph applied to other KerasTensors: new output KerasTensors, recorded in the functional
        graph being built (as calling a model on KerasTensors records it)."""
        return self._graph(inputs)

    def quantized_call(self, *args, **kwargs):
        raise NotImplementedError(f"Function {self.name!r} has no quantized form; quantize the layers of a Model "
                                  f"(Model.quantize) instead")

    def rematerialized_call(self, fn, *args, **kwargs):
        """`fn` unchanged: a Function is not created in a RematScope of its own (its layers are)."""
        return fn

    def get_config(self):
        raise NotImplementedError(f"Function {self.name!r} cannot be serialized: it is made of KerasTensors. "
                                  f"Build a keras.Model(inputs, outputs) from the same tensors to save it")

    def __repr__(self):
        return f"<Function name={self.name}, inputs={len(self.inputs)}, outputs={len(self.outputs)}>"
