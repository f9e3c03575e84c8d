"""Python functions inside configs: by name when they can be found again, as bytecode when they cannot.

A Lambda layer's function (and its `output_shape` / `mask` functions) must survive `get_config`. A
function that is registered or is one of tkeras' activations is written by name, in Keras 3's
spelling (`{"module": "builtins", "class_name": "function", "config": name, ...}`), and is found
again by that name only: in `custom_objects`, in the registry, or among the activations; nothing is
ever imported by a name taken from a file. A Python lambda or a function defined inside another
function has no name to find it by, so it is written as Keras 3 writes a lambda: `__lambda__` holding
the base64 of its marshalled code, its defaults and its closure values.

Bytecode is code from the file. `config_compat.check_safe` refuses it before anything is built
unless the caller of the load passed `safe_mode=False`; this module only reads it. Marshalled code
is tied to the Python version that wrote it, as in Keras.
"""
import base64
import binascii
import marshal
import sys
import types

import numpy as np
import torch

LAMBDA_CLASS = "__lambda__"

# -- writing ---------------------------------------------------------------------------------------
def function_to_config(fn, owner):
    """The config of `fn` (see module docstring); `owner` names the layer and argument in errors."""
    registered = getattr(fn, "_registered_name", None) if isinstance(fn, types.FunctionType) else None
    if isinstance(fn, types.FunctionType) and (fn.__name__ == "<lambda>" or (
            "<locals>" in fn.__qualname__ and registered is None)):
        return {"class_name": LAMBDA_CLASS, "config": _dump_code(fn, owner)}
    if hasattr(fn, "get_config") and not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
        from tkeras.saving.serialization import serialize_keras_object
        return serialize_keras_object(fn)
    name = registered or getattr(fn, "__name__", None)
    if not isinstance(name, str):
        raise ValueError(f"{owner}: cannot save {fn!r} (of type {type(fn).__name__}): it has no name to be found "
                         f"by when loading. Use a named function (registered with "
                         f"@keras.saving.register_keras_serializable()) and pass fixed values in `arguments=`.")
    # Keras 3 writes every function this way (module "builtins", whatever the function's module).
    return {"module": "builtins", "class_name": "function", "config": name, "registered_name": "function"}


def _dump_code(fn, owner):
    closure = [cell.cell_contents for cell in fn.__closure__] if fn.__closure__ else None
    loaded = getattr(fn, "_tkeras_bytecode", None)
    if loaded is not None and loaded[0] is fn.__code__:
        code = loaded[1]  # as read: marshal's output varies between runs, a re-saved model stays the same
    else:
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {
        "code": code,
        "defaults": encode_value(list(fn.__defaults__), f"{owner} (a default of its function)")
        if fn.__defaults__ else None,
        "closure": encode_value(closure, f"{owner} (a value its function captures)") if closure else None,
        # Not written by Keras (which ignores it): where the function's global names are looked up on
        # loading, as tf.keras recorded it next to the bytecode.
        "module": fn.__module__,
    }


def encode_value(value, owner):
    """A JSON-ready copy of `value` (numbers, strings, lists, dicts, arrays, tensors), in Keras 3's
    `__numpy__` / `__tensor__` spellings for arrays; anything else cannot be saved and says so."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [encode_value(v, owner) for v in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v, owner) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(value, torch.Tensor):
        from tkeras.backend.config import dtype_name
        return {"class_name": "__tensor__",
                "config": {"value": value.detach().cpu().tolist(), "dtype": dtype_name(value.dtype)}}
    raise ValueError(f"{owner}: cannot save the value {value!r} (of type {type(value).__name__}); only numbers, "
                     f"strings, lists, dicts, NumPy arrays and tensors can be written to a config. Compute it "
                     f"inside the function, or write a Layer subclass with its own get_config().")


# -- reading ---------------------------------------------------------------------------------------
def decode_value(value):
    """Inverse of `encode_value` (JSON has no tuples: they come back as lists, as in Keras)."""
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    inner = value.get("config")
    if value.get("class_name") in ("__numpy__", "__tensor__") and isinstance(inner, dict) and "value" in inner:
        array = np.asarray(inner["value"], dtype=inner.get("dtype") or None)
        if value["class_name"] == "__numpy__":
            return array
        from tkeras.backend import config
        return torch.as_tensor(array, device=config.device())
    return {k: decode_value(v) for k, v in value.items()}


def is_lambda_config(value):
    return isinstance(value, dict) and value.get("class_name") == LAMBDA_CLASS


def function_from_config(value, owner, custom_objects=None, bytecode=False, module=None):
    """The function a config names or holds. `bytecode=True` says `value` is Keras 1/2's bytecode
    (`[code, defaults, closure]`, flagged by `function_type: "lambda"`), `module` is where Keras 2
    said the function was defined."""
    if is_lambda_config(value):
        inner = value.get("config")
        if not isinstance(inner, dict):
            raise ValueError(f"{owner}: malformed {LAMBDA_CLASS} config {str(value)[:200]}")
        if "value" in inner:  # the generic serialize_keras_object spelling: [code, defaults, closure]
            return _load_code(inner["value"], None, None, owner, custom_objects, module)
        return _load_code(inner.get("code"), inner.get("defaults"), inner.get("closure"), owner, custom_objects,
                          inner.get("module", module))
    if bytecode:
        return _load_code(value, None, None, owner, custom_objects, module)
    if isinstance(value, dict) and value.get("class_name") == "function":
        value = value.get("config")
    if isinstance(value, str):
        return resolve_name(value, owner, custom_objects)
    if isinstance(value, dict) and isinstance(value.get("class_name"), str):
        from tkeras.saving.serialization import deserialize_keras_object
        return deserialize_keras_object(value, custom_objects=custom_objects)
    raise ValueError(f"{owner}: expected a function name or a {LAMBDA_CLASS} config, found {str(value)[:200]}")


def resolve_name(name, owner, custom_objects=None):
    """A function by name: custom_objects, then the registry, then tkeras' activations."""
    from tkeras.saving.serialization import _CUSTOM_OBJECTS
    for table in (custom_objects or {}, _CUSTOM_OBJECTS):
        found = table.get(name)
        if found is None and ">" not in name:
            # Keras <= 3.6 wrote registered functions by bare name, not "package>name".
            found = next((obj for key, obj in table.items() if key.endswith(">" + name)), None)
        if callable(found) and not isinstance(found, type):
            return found
    from tkeras import activations
    try:
        return activations.get(name)
    except (ValueError, TypeError):
        pass
    raise ValueError(f"{owner}: the function {name!r} is not registered and is not one of tkeras' activations. "
                     f"Pass custom_objects={{{name!r}: {name.split('>')[-1]}}} to the load call, or decorate the "
                     f"function with @keras.saving.register_keras_serializable().")


def _load_code(code, defaults, closure, owner, custom_objects, module):
    if isinstance(code, (list, tuple)):  # Keras 1/2: one [code, defaults, closure] triple
        if len(code) != 3:
            raise ValueError(f"{owner}: expected [code, defaults, closure], found {len(code)} items")
        code, defaults, closure = code
    if not isinstance(code, str):
        raise ValueError(f"{owner}: the function's bytecode should be a string, found {type(code).__name__}")
    try:
        raw = base64.b64decode(code.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        raw = code.encode("raw_unicode_escape")  # Keras 1.0 wrote the marshalled bytes as text
    try:
        function_code = marshal.loads(raw)
    except (ValueError, EOFError, TypeError) as exc:
        raise ValueError(f"{owner}: the function's bytecode cannot be read by Python "
                         f"{sys.version_info.major}.{sys.version_info.minor} ({exc}); bytecode only loads "
                         f"in the Python version that saved it") from exc
    if not isinstance(function_code, types.CodeType):
        raise ValueError(f"{owner}: the saved bytecode is a {type(function_code).__name__}, not a function's code")
    defaults = tuple(decode_value(defaults)) if defaults else None
    cells = tuple(types.CellType(v) for v in decode_value(closure)) if closure else None
    try:
        function = types.FunctionType(function_code, _globals_for(module, custom_objects), function_code.co_name,
                                      defaults, cells)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{owner}: cannot rebuild the saved function: {exc}") from exc
    function._tkeras_bytecode = (function_code, code)
    return function


def _globals_for(module, custom_objects):
    """The global names a loaded function sees. Keras 1/2 ran such functions in their layers module,
    which had `K`, `np` (and `tf`) imported, so saved lambdas use them freely; those come first, then
    the defining module's names when it is loaded in this process (never imported here), then
    `custom_objects`."""
    import builtins

    import tkeras
    from tkeras import backend, ops
    names = {"__builtins__": builtins, "K": backend, "keras": tkeras, "ops": ops, "np": np, "numpy": np,
             "torch": torch, "tf": tf_stand_in()}
    loaded = sys.modules.get(module) if isinstance(module, str) else None
    if loaded is not None:
        names.update(vars(loaded))
    names.update(custom_objects or {})
    return names


def tf_stand_in():
    """tkeras' `tf` namespace, which Keras 2 files' code names: saved lambdas' `tf.*` and tf-keras 2's
    TFOpLambda layers (`"function": "math.reduce_mean"`). Imported when such a file is read."""
    from tkeras.compat import tf_namespace
    return tf_namespace
