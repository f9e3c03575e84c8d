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

    def __repr__(self):
        return f"<Function name={self.name}, inputs={len(self.inputs)}, outputs={len(self.outputs)}>"
