"""Operators and `tkeras.ops` calls on KerasTensors, recorded as small layers of the graph.

`x + y`, `x[:, 0]` or `ops.sum(x, axis=1)` in functional code have no layer object of their own; each
becomes an `OperatorLayer` (like Keras 2's TFOpLambda) that stores which operation to apply and its
non-tensor operands, so the graph can run it, summarise it and write it to a config. Operands that are
KerasTensors are the layer's inputs (a list, in operand order).
"""
import importlib
import sys

import numpy as np
import torch

from tkeras.backend.keras_tensor import OPERATORS, KerasTensor, register_recorder
from tkeras.layers.layer import Layer
from tkeras.ops.core import SYMBOLIC_OPS


def _encode(value):
    """Operands to JSON-able form (slices, Ellipsis, tuples) and back."""
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


_CONSTANT_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}


def _decode(value):
    if isinstance(value, dict):
        if "slice" in value:
            return slice(*value["slice"])
        if "ellipsis" in value:
            return Ellipsis
        if "tuple" in value:
            return tuple(_decode(v) for v in value["tuple"])
        if "__tensor__" in value:
            return _TensorSlot(value["__tensor__"])
        if value.get("class_name") in ("__tensor__", "__numpy__") and isinstance(value.get("config"), dict):
            # a constant operand (`x + tf.constant(...)`), as the config serializer writes tensors
            dtype = value["config"].get("dtype") or "float32"
            if dtype not in _CONSTANT_DTYPES:
                raise ValueError(f"OperatorLayer: a constant operand of dtype {dtype!r} (expected one of "
                                 f"{sorted(_CONSTANT_DTYPES)})")
            constant = np.asarray(value["config"]["value"], dtype=dtype)
            return torch.as_tensor(constant) if value["class_name"] == "__tensor__" else constant
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class _TensorSlot:
    """Where the i-th tensor input goes among the operation's operands."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _fill(template, tensors):
    if isinstance(template, _TensorSlot):
        return tensors[template.index]
    if isinstance(template, list):
        return [_fill(v, tensors) for v in template]
    if isinstance(template, tuple):
        return tuple(_fill(v, tensors) for v in template)
    if isinstance(template, dict):
        return {k: _fill(v, tensors) for k, v in template.items()}
    return template


def _template(value, tensors):
    """Replace KerasTensors inside operands by slots; collect them in order.

    A concrete tensor computed outside the graph (`x + layers.Embedding(n, d)(tf.range(n))`) is a
    constant of the graph, as in Keras: its autograd history is cut, or every training step would
    backpropagate through the one-off eager computation that made it (freed after the first step).
    """
    if isinstance(value, KerasTensor):
        tensors.append(value)
        return _TensorSlot(len(tensors) - 1)
    if isinstance(value, torch.Tensor) and value.grad_fn is not None:
        return value.detach()
    if isinstance(value, list):
        return [_template(v, tensors) for v in value]
    if isinstance(value, tuple):
        return tuple(_template(v, tensors) for v in value)
    if isinstance(value, dict):
        return {k: _template(v, tensors) for k, v in value.items()}
    return value


def _encode_template(value):
    if isinstance(value, _TensorSlot):
        return {"__tensor__": value.index}
    if isinstance(value, list):
        return [_encode_template(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode_template(v) for v in value]}
    if isinstance(value, dict):
        return {k: _encode_template(v) for k, v in value.items()}
    return _encode(value)


class OperatorLayer(Layer):
    """One Python operator or `tkeras.ops` function applied inside a functional graph."""

    _is_op_node = True  # an Operation to Keras 3: in the graph, not in `model.layers`
    # Text flows through ops as it comes (`ops.expand_dims` of an `Input(dtype="string")`); the op decides
    # whether it can take it.
    accepts_strings = True

    def __init__(self, operation, operands=None, keywords=None, **kwargs):
        super().__init__(**kwargs)
        if not (isinstance(operation, str) and operation in OPERATORS) and _ops_function(operation) is None:
            from tkeras.saving.errors import UnsafeLoadError
            raise UnsafeLoadError(
                f"OperatorLayer {kwargs.get('name', '?')!r}: operation {str(operation)[:80]!r} is neither a Python "
                f"operator ({', '.join(sorted(OPERATORS))}) nor a public tkeras op (rule: operations; only "
                f"tkeras' own ops may be named in a config)")
        self.operation = operation
        self._operands = _decode(operands or [])
        self._keywords = {key: _decode(value) for key, value in (keywords or {}).items()}  # axes=(2, 2)
        self.built = True

    def call(self, inputs):
        tensors = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        operands = _fill(self._operands, tensors)
        keywords = _fill(self._keywords, tensors)
        if self.operation in OPERATORS:
            return OPERATORS[self.operation](*operands)
        return _ops_function(self.operation)(*operands, **keywords)

    def compute_output_shape(self, input_shape):
        raise NotImplementedError  # the graph recorder infers it by a dry run

    def get_config(self):
        config = super().get_config()
        config.update({"operation": self.operation, "operands": _encode_template(self._operands),
                       "keywords": _encode_template(self._keywords)})
        return config


# The operations a config may name, found by a fixed table rather than by importing or getattr-ing a
# name from a file: the Python operators above, and the functions `ops.core.user_op` made, each under
# `<defining module>.<public name>` (the spelling tkeras has always written). A name outside the
# table (`tkeras.ops.math_ops.__setattr__`, `os.system`, a private helper) is refused before anything
# is called. Packages whose ops a file may name; imported by these fixed names only, so that a model
# using `tf.clip_by_value` loads in a process that has not imported the TensorFlow stand-in yet.
_OP_PACKAGES = ("tkeras.ops", "tkeras.compat.tf_namespace")
_table = {}
_table_covers = 0  # how many of SYMBOLIC_OPS `_table` was built from


def _operation_table():
    """{qualified name: function} over every symbolic op defined so far (rebuilt when more appear)."""
    global _table, _table_covers
    if _table_covers != len(SYMBOLIC_OPS):
        allowed = {id(fn) for fn in SYMBOLIC_OPS}
        table = {}
        for module_name in sorted({fn.__module__ for fn in SYMBOLIC_OPS}):
            module = sys.modules.get(module_name)
            for attr, value in (vars(module).items() if module is not None else ()):
                if not attr.startswith("_") and id(value) in allowed:
                    table.setdefault(f"{module_name}.{attr}", value)
        _table, _table_covers = table, len(SYMBOLIC_OPS)
    return _table


def _ops_function(name):
    """The op a config names, or None when it is not in the allow-list (see `_operation_table`)."""
    if not isinstance(name, str):
        return None
    if name not in _operation_table():
        for package in _OP_PACKAGES:
            if name.startswith(package + ".") and package not in sys.modules:
                importlib.import_module(package)
        if name.startswith("tkeras.ops."):  # its op modules load on first use: register them all
            sys.modules["tkeras.ops"].load_all()
    return _operation_table().get(name)


def _qualified_name(function):
    """The name an op is written under: in its defining module (an alias elsewhere also resolves)."""
    names = [name for name, value in _operation_table().items() if value is function]
    if names:
        return next((n for n in names if n.rpartition(".")[0] == function.__module__), names[0])
    raise TypeError(f"{getattr(function, '__name__', function)!r} cannot be applied to symbolic tensors")


def _layer_name(operation):
    from tkeras.backend.naming import unique_name
    return unique_name("op_" + operation.rpartition(".")[2])


def operator_call(name, first, *operands):
    """`first <op> operand` on KerasTensors -> the output KerasTensor of a new OperatorLayer."""
    tensors = []
    template = _template([first, *operands], tensors)
    layer = OperatorLayer(name, operands=_encode_template(template), name=_layer_name(name))
    layer._operands = template
    return layer(tensors if len(tensors) > 1 else tensors[0])


def ops_call(function, args, kwargs):
    """A `tkeras.ops` function called with KerasTensor arguments -> a recorded OperatorLayer call."""
    function_name = _qualified_name(function)
    tensors = []
    arg_template = _template(list(args), tensors)
    kw_template = _template(dict(kwargs), tensors)
    layer = OperatorLayer(function_name, operands=_encode_template(arg_template),
                          keywords=_encode_template(kw_template), name=_layer_name(function_name))
    layer._operands, layer._keywords = arg_template, kw_template
    return layer(tensors if len(tensors) > 1 else tensors[0])


register_recorder(operator_call, ops_call)
