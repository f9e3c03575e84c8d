"""Op nodes in Keras 3's spelling: how a functional graph's `x * 2.0` or `ops.sum(x, axis=1)` crosses
files with real Keras.

Keras 3 writes each op as the Operation class it recorded (`{"module": "keras.src.ops.numpy",
"class_name": "Sum", "config": {"name": "sum", "axis": 1, "keepdims": true}}`): the constructor's
arguments in the config, the call's arguments (tensors and constants) in the node. tkeras reads such
an entry by calling the public tkeras op of the same name on the node's arguments, which records it
in the graph like any op call; the class name can only select a function of the operation allow-list
(`functional_ops`). It writes its own op nodes the same way, from `keras_op_classes.json` (Keras'
classes and their parameter names, made by scripts/make_keras_op_classes.py), whenever the call's
arguments map onto the Keras class by name; other ops (the `tf.*` stand-ins, arguments Keras' op does
not take) keep tkeras' own `OperatorLayer` entry, which only tkeras reads.
"""
import functools
import inspect
import json
import os

import numpy as np

from tkeras.backend.keras_tensor import OPERATORS, KerasTensor
from tkeras.ops.core import SYMBOLIC_OPS

_KERAS_OP_MODULES = ("keras.src.ops.", "keras.ops.")
_ALIASES = {"GetItem": "getitem"}  # Keras classes whose tkeras counterpart is a Python operator
# Python operators -> (Keras op function, whether Keras takes the operands the other way round).
_PYTHON_OPERATORS = {
    "add": ("add", False), "radd": ("add", True), "sub": ("subtract", False), "rsub": ("subtract", True),
    "mul": ("multiply", False), "rmul": ("multiply", True), "truediv": ("true_divide", False),
    "rtruediv": ("true_divide", True), "floordiv": ("floor_divide", False), "mod": ("mod", False),
    "pow": ("power", False), "rpow": ("power", True), "matmul": ("matmul", False), "rmatmul": ("matmul", True),
    "neg": ("negative", False), "abs": ("absolute", False), "lt": ("less", False), "le": ("less_equal", False),
    "gt": ("greater", False), "ge": ("greater_equal", False), "getitem": ("get_item", False),
}


# -- reading ---------------------------------------------------------------------------------------
def keras_operation(entry):
    """(function, keyword arguments, name) for a layer entry that Keras 3 wrote for an op, else None."""
    module = entry.get("module")
    if not isinstance(module, str) or not module.startswith(_KERAS_OP_MODULES):
        return None
    class_name = entry.get("class_name")
    config = dict(entry["config"]) if isinstance(entry.get("config"), dict) else {}
    name = config.pop("name", None) or entry.get("name")
    if class_name in _ALIASES:
        return OPERATORS[_ALIASES[class_name]], config, name
    from tkeras import ops
    from tkeras.saving.keras_layout import keras_snake_case
    public = keras_snake_case(class_name) if isinstance(class_name, str) else None
    function = getattr(ops, public) if public in ops.__all__ else None  # loads the op's module if need be
    if function is None or not any(function is op for op in SYMBOLIC_OPS):
        from tkeras.saving.errors import UnsafeLoadError
        raise UnsafeLoadError(f"op {name!r}: Keras operation {str(class_name)[:80]!r} (module {module!r}) is not "
                              f"a public tkeras op (rule: operations)")
    return function, config, name


def decode_constant(value):
    """Keras' spelling of the non-JSON constants in a node's arguments, or `value` itself."""
    if isinstance(value, dict) and value.get("class_name") == "__slice__":
        bounds = value.get("config") or {}
        return slice(bounds.get("start"), bounds.get("stop"), bounds.get("step"))
    if isinstance(value, dict) and value.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(value, dict) and value.get("class_name") in ("__tensor__", "__numpy__"):
        inner = value.get("config") or {}
        return np.asarray(inner.get("value"), dtype=inner.get("dtype") or None)
    return value


# -- writing ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _keras_classes():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_op_classes.json")) as f:
        return json.load(f)["ops"]


def keras_form(layer, operands, keywords):
    """(module, class_name, config, call args) as Keras 3 writes `layer`'s op applied to `operands`
    and `keywords` (its inputs filled in), or None when Keras' op of that name cannot express it."""
    from tkeras.models.functional_ops import _ops_function
    if layer.operation in OPERATORS:
        function_name, swapped = _PYTHON_OPERATORS.get(layer.operation, (None, False))
        spec = _keras_classes().get(function_name)
        if spec is None:
            return None
        args = list(reversed(operands)) if swapped else list(operands)
        if function_name == "get_item" and isinstance(args[1], tuple):
            args[1] = list(args[1])
        return _checked(spec, {"name": layer.name}, args)
    function_name = layer.operation.rpartition(".")[2]
    spec = _keras_classes().get(function_name)
    function = _ops_function(layer.operation)
    if spec is None or function is None or not layer.operation.startswith("tkeras.ops."):
        return None
    try:
        bound = inspect.signature(function).bind(*operands, **keywords)
    except (TypeError, ValueError):
        return None
    arguments = dict(bound.arguments)
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(parameter.name, {}))
        elif parameter.kind is parameter.VAR_POSITIONAL and arguments.get(parameter.name):
            return None
    arguments.pop("name", None)
    if any(key not in spec["init"] and key not in spec["call"] for key in arguments):
        return None  # an argument Keras' op does not take: only tkeras could read it back
    if any(key not in arguments for key in spec["call_required"]):
        return None
    config = {"name": layer.name, **{key: arguments[key] for key in spec["init"] if key in arguments}}
    args = [arguments[key] for key in spec["call"] if key in arguments]
    return _checked(spec, config, args)


def _checked(spec, config, args):
    """The form, if every constant in it has a JSON spelling Keras reads."""
    if not all(_writable(v) for v in list(config.values()) + args):
        return None
    return spec["module"], spec["class_name"], config, args


def _writable(value):
    if value is None or isinstance(value, (bool, int, float, str, KerasTensor, slice)) or value is Ellipsis:
        return True
    if isinstance(value, (list, tuple)):
        return all(_writable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _writable(v) for k, v in value.items())
    return False


def encode_constant(value):
    """A slice or Ellipsis in Keras' spelling (see `decode_constant`); other values as they are."""
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": value.start, "stop": value.stop, "step": value.step}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    return value
