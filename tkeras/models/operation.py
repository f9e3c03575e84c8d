"""Keras 3's `keras.Operation`: a user-defined op with `call` and `compute_output_spec`.

Called on tensors it runs `call`; called on KerasTensors (functional code) it asks
`compute_output_spec` for the output shapes and dtypes and records the call in the graph as one node
(an `OperationCall` layer holding the operation), so `Model(inputs, outputs)` runs it like any layer.
Without `compute_output_spec`, the graph recorder finds the output by a dry run of `call`.

    class Scale(keras.Operation):
        def __init__(self, factor, name=None):
            super().__init__(name=name)
            self.factor = factor
        def call(self, x):
            return x * self.factor
        def compute_output_spec(self, x):
            return keras.KerasTensor(x.shape, x.dtype)
"""
import inspect

from tkeras.backend.keras_tensor import KerasTensor, has_keras_tensor
from tkeras.backend.naming import to_snake_case, unique_name
from tkeras.backend.remat import current_remat_scope, remat
from tkeras.layers.layer import Layer
from tkeras.models.functional_ops import _fill, _template
from tkeras.utils import tree


class Operation:
    """Base class of symbolic operations: subclasses implement `call` (and `compute_output_spec`)."""

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # The constructor's arguments, for the default `get_config` (as Keras records them).
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(arguments)))  # self
            variadic = [name for name, p in inspect.signature(cls.__init__).parameters.items()
                        if p.kind == p.VAR_POSITIONAL]
            if any(arguments.get(name) for name in variadic):
                arguments = None
            else:
                for name in variadic:
                    arguments.pop(name, None)
                arguments.update(arguments.pop("kwargs", None) or {})
                arguments.pop("name", None)  # the config's name is the operation's own (auto-named)
        except TypeError:
            arguments = None
        instance._auto_config = arguments
        return instance

    def __init__(self, name=None):
        if name is None:
            name = unique_name(to_snake_case(type(self).__name__))
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"{type(self).__name__}: name must be a string without '/'; received name={name!r}")
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []
        # Made inside keras.RematScope("full") (or named in a "list_of_layers" one): recompute in backward.
        scope = current_remat_scope()
        self._remat = scope is not None and (scope.mode == "full" or (
            scope.mode == "list_of_layers" and name in scope.layer_names))

    def __call__(self, *args, **kwargs):
        if KerasTensor._created and has_keras_tensor(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self._run(*args, **kwargs)

    def _run(self, *args, **kwargs):
        """`call` on real tensors, rematerialized when the operation was made in a RematScope."""
        if getattr(self, "_remat", False):
            return remat(self.call)(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Record this call in the functional graph; the outputs are KerasTensors."""
        tensors = []
        arg_template, kw_template = _template(list(args), tensors), _template(dict(kwargs), tensors)
        specs = None
        if type(self).compute_output_spec is not Operation.compute_output_spec:
            specs = self.compute_output_spec(*args, **kwargs)
        node_layer = OperationCall(self, arg_template, kw_template, specs)
        outputs = node_layer(tensors if len(tensors) > 1 else tensors[0])
        self._inbound_nodes.append(node_layer._inbound_nodes[-1])
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call(), the computation on real tensors")

    def quantized_call(self, *args, **kwargs):
        """A plain operation has no quantized form (Keras' base raises the same way)."""
        raise NotImplementedError(f"{type(self).__name__} {self.name!r} has no quantized_call(): an operation "
                                  f"has no quantized form unless it defines one")

    def rematerialized_call(self, fn, *args, **kwargs):
        """`fn` (its `call`) recomputed in the backward pass when this operation was made in a RematScope
        that covers it, else `fn` unchanged."""
        return remat(fn) if getattr(self, "_remat", False) else fn

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) with the output shapes and dtypes; by default found by running `call` on zeros."""
        raise NotImplementedError(f"{type(self).__name__}.compute_output_spec: tkeras infers it by a dry run of "
                                  f"call() when the operation is used in a functional graph")

    def get_config(self):
        config = {"name": self.name}
        if self._auto_config is None:
            raise NotImplementedError(
                f"{type(self).__name__}.get_config: its constructor took variadic positional arguments, which a "
                f"config cannot restore; override get_config() and from_config()")
        config.update(self._auto_config)
        params = inspect.signature(type(self).__init__).parameters
        takes_name = "name" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
        if not takes_name:
            config.pop("name")
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<Operation name={self.name}>"


class OperationCall(Layer):
    """One call of an `Operation` inside a functional graph (the operation's arguments with the
    KerasTensors replaced by the tensors that arrive)."""

    _is_op_node = True  # a user Operation: in the graph, not in `model.layers`

    def __init__(self, operation, arg_template, kw_template, specs=None, **kwargs):
        super().__init__(name=unique_name(f"op_{operation.name}"), **kwargs)
        self.operation = operation
        self._arg_template, self._kw_template = arg_template, kw_template
        self._specs = specs
        self.built = True

    def call(self, inputs):
        tensors = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        return self.operation._run(*_fill(self._arg_template, tensors), **_fill(self._kw_template, tensors))

    def compute_output_shape(self, input_shape):
        if self._specs is None:
            raise NotImplementedError  # the graph recorder infers it by a dry run
        if isinstance(self._specs, KerasTensor):
            return tuple(self._specs.shape)
        return tree.map_structure(lambda spec: tuple(spec.shape), self._specs)

    def _output_dtype(self, input_dtype):
        if self._specs is None:
            return input_dtype
        first = tree.flatten(self._specs)[0]
        return getattr(first, "dtype", None) or input_dtype

    def get_config(self):
        raise NotImplementedError(
            f"{self.name}: a functional model holding the user Operation {type(self.operation).__name__!r} cannot "
            f"be written to a config; wrap the computation in a Layer subclass to save the model")
