"""Objects <-> Keras config dicts (`{"module", "class_name", "config", "registered_name"}`), by Keras 3's rules.

Classes are found by name in tkeras' own namespaces (`object_lookup`: `module` selects the namespace)
and in what the user registered or passed as `custom_objects`; nothing is ever imported or executed
by a name taken from a config. Functions are written as `{"class_name": "function", "config": name}`
and found by name the same way. Every config goes through `config_compat.class_config` before the
class sees it, so `deserialize`, `from_config` and whole files accept the same keys.
"""
import contextlib
import contextvars
import inspect

import numpy as np

from tkeras.saving import object_lookup

_CUSTOM_OBJECTS = {}
# Objects rebuilt in the current top-level call, by the `shared_object_id` Keras wrote for an object
# referenced more than once (a layer shared by two wrappers comes back as one object).
_SHARED = contextvars.ContextVar("tkeras_shared_objects", default=None)


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a user class or function loadable by name (`package>name`), as in Keras."""
    def decorate(obj):
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__} cannot be registered: the class "
                             f"has no get_config() method")
        _CUSTOM_OBJECTS[registered] = obj
        _CUSTOM_OBJECTS.setdefault(obj.__name__, obj)  # Keras <= 3.6 configs name functions bare
        obj._registered_name = registered
        return obj
    return decorate


def get_registered_name(obj):
    """`package>name` for a registered class or function, else its own name."""
    if inspect.isfunction(obj) or inspect.isclass(obj):
        return obj.__dict__.get("_registered_name", obj.__name__) if inspect.isclass(obj) else getattr(
            obj, "_registered_name", obj.__name__)
    cls = type(obj)
    return cls.__dict__.get("_registered_name", cls.__name__)


def _scoped(custom_objects):
    from tkeras.saving.object_scope import active_custom_objects
    return {**_CUSTOM_OBJECTS, **active_custom_objects(), **(custom_objects or {})}


def get_registered_object(name, custom_objects=None, module_objects=None):
    """What `name` means to a load: `custom_objects`, the active `custom_object_scope`, the registry,
    `module_objects`, then tkeras' own layers and models (None when nothing matches)."""
    if not isinstance(name, str):
        return None
    for table in (custom_objects or {}, _scoped(None), module_objects or {}):
        if name in table:
            return table[name]
    return object_lookup.find_class(name, prefer="layers") if name in _layer_or_model_names() else None


def _layer_or_model_names():
    from tkeras.layers.layer import Layer
    distillation_models = {name for name, cls in object_lookup.classes_of("distillation").items()
                           if issubclass(cls, Layer)}  # keras.distillation.Distiller
    return set(object_lookup.classes_of("layers")) | set(object_lookup.classes_of("models")) | distillation_models


# -- serialize ----------------------------------------------------------------------------------------
def serialize_keras_object(obj):
    """The config Keras 3 writes for `obj`: plain values as they are, containers element-wise,
    arrays as `__numpy__`/`__tensor__`, functions as `function` entries, objects with `get_config`
    as `{"module", "class_name", "config", "registered_name"}` plus `build_config`/`compile_config`."""
    import torch
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                      "stop": serialize_keras_object(obj.stop),
                                                      "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, torch.Tensor):
        return {"class_name": "__tensor__", "config": {"value": obj.detach().cpu().tolist(),
                                                       "dtype": str(obj.dtype).replace("torch.", "")}}
    if isinstance(obj, np.generic) or (isinstance(obj, np.ndarray) and obj.ndim == 0):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"serialize_keras_object: cannot serialize {obj!r} (of type {type(obj).__name__}): it "
                        f"has no get_config() method")
    cls = type(obj)
    public = object_lookup.public_module_of(cls)
    registered_name = cls.__dict__.get("_registered_name")
    if cls.__name__ == "Functional" and (cls.__module__ or "").startswith("tkeras."):
        # Not a public Keras name: Keras 3 finds it by its source module and registered name only.
        module, registered_name = "keras.src.models.functional", "Functional"
    elif public is not None:
        module = public
    else:
        module = cls.__module__
        registered_name = registered_name or cls.__name__
    # A class may write the name Keras exports it by rather than its class name (GroupQueryAttention).
    class_name = cls.__dict__.get("_keras_class_name", cls.__name__)
    if module == "__main__":
        module = None  # a script's own class: Keras writes no module, a loader finds it by registered name
    config = {"module": module, "class_name": class_name, "config": _serialized_inner_config(obj),
              "registered_name": registered_name}
    # Serialized value by value, as the inner config: a user's get_compile_config() may hand back the
    # optimizer, loss function and metrics it was compiled with, which a file can only hold as configs.
    build_config = getattr(obj, "get_build_config", lambda: None)()
    if build_config:
        config["build_config"] = serialize_keras_object(build_config)
    compile_config = getattr(obj, "get_compile_config", lambda: None)()
    if compile_config:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def _serialized_inner_config(obj):
    """`obj.get_config()` with every value serialized in turn, as Keras does: a layer, initializer or
    regularizer object that a user's get_config() returns as it is becomes its config dict, so
    `deserialize` in the user's `from_config` (and a file) gets a config, not a live object."""
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"serialize_keras_object: {type(obj).__name__}.get_config() must return a dict, "
                        f"it returned {config!r} (of type {type(config).__name__})")
    return {key: serialize_keras_object(value) for key, value in config.items()}


def _serialize_function(fn):
    if getattr(fn, "__name__", None) == "<lambda>":
        from tkeras.saving.function_code import function_to_config
        return function_to_config(fn, "serialize_keras_object")
    # Keras 3.15 writes every function the same way: module "builtins", and its registered
    # `package>name` (or its bare name) as the config, which the load resolves.
    return {"module": "builtins", "class_name": "function",
            "config": getattr(fn, "_registered_name", None) or fn.__name__, "registered_name": "function"}


# -- deserialize --------------------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a Keras config describes (see the module docstring for where classes come from).

    `module_objects=` (a namespace's own name table) and `prefer=` (its namespace name) are what a
    `keras.<namespace>.deserialize` call passes, so a bare name resolves in that namespace first."""
    module_objects = kwargs.pop("module_objects", None)
    prefer = kwargs.pop("prefer", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unexpected keyword argument(s) {sorted(kwargs)}")
    from tkeras.saving.safe_mode import in_safe_mode, loading_scope
    if safe_mode is False and in_safe_mode() is None:
        # The caller's opt-in (never the config's) reaches the classes being rebuilt (a Lambda's
        # bytecode), as Keras' SafeModeScope does; inside a load, the load's own choice stands.
        with loading_scope(False):
            return deserialize_keras_object(config, custom_objects, None, module_objects=module_objects,
                                            prefer=prefer)
    if _SHARED.get() is None:
        token = _SHARED.set({})
        try:
            return _deserialize(config, custom_objects, safe_mode, module_objects, prefer)
        finally:
            _SHARED.reset(token)
    return _deserialize(config, custom_objects, safe_mode, module_objects, prefer)


def deserialize_in_namespace(config, custom_objects, *, namespace, kind, lookup, names, get):
    """`keras.<namespace>.deserialize` for initializers, regularizers and constraints: a name goes to
    the namespace's `get`; a config's class is found in the namespace's own table first (`lookup`,
    keyed by `canonical` names, so Keras 1/2 spellings resolve), and an unknown class without a
    `module` is an error listing `names`."""
    from tkeras.utils.lookup import canonical, lookup_error
    if not isinstance(config, dict):
        if isinstance(config, str) and custom_objects and config in custom_objects:
            return custom_objects[config]
        return get(config)
    class_name = config.get("class_name")
    cls = lookup.get(canonical(class_name)) if isinstance(class_name, str) else None
    if cls is None and not isinstance(config.get("module"), str) and get_registered_object(
            class_name, custom_objects) is None:
        raise lookup_error(kind, class_name, names)
    return deserialize_keras_object(config, custom_objects=custom_objects,
                                    module_objects={class_name: cls} if cls is not None else None,
                                    prefer=namespace)


def _deserialize(config, custom_objects, safe_mode, module_objects, prefer):
    scoped = _scoped(custom_objects)
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        if config in scoped:
            return scoped[config]
        if module_objects and config in module_objects:
            found = module_objects[config]
            return found() if inspect.isclass(found) else found
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(item, custom_objects, safe_mode, module_objects, prefer) for item in config]
    if not isinstance(config, dict):
        raise TypeError(f"deserialize_keras_object: could not parse config {config!r} (of type "
                        f"{type(config).__name__}): expected a dict, a list, a name or a plain value")
    if "class_name" not in config or ("config" not in config and module_objects is None):
        return {key: _deserialize(value, custom_objects, safe_mode, None, None) for key, value in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    inner = {} if inner is None else inner
    special = _special_value(class_name, inner, config, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    module = config.get("module")
    if class_name == "function":
        return _function(inner, config, scoped, module_objects, prefer)
    shared_id = config.get("shared_object_id")
    if shared_id is not None and shared_id in _SHARED.get():
        return _SHARED.get()[shared_id]
    cls = _class(class_name, config.get("registered_name"), module, scoped, module_objects,
                 prefer or _loss_or_metric(class_name, module, inner))
    if not inspect.isclass(cls):
        return cls  # a function registered under a class name (Keras 2 custom losses)
    if not isinstance(inner, dict):
        raise TypeError(f"deserialize_keras_object: the config of {class_name!r} should be a dict, found "
                        f"{type(inner).__name__}: {str(inner)[:200]}")
    if not hasattr(cls, "from_config"):
        raise TypeError(f"deserialize_keras_object: {cls.__name__} has no from_config() method, so it cannot "
                        f"be rebuilt from a config")
    from tkeras.saving import config_compat
    inner = config_compat.class_config(cls, config_compat.normalize(inner))
    instance = _from_config(cls, inner, custom_objects)
    build_config = config.get("build_config")
    if build_config and not getattr(instance, "built", True) and hasattr(instance, "build_from_config"):
        instance.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile_config:
        from tkeras.saving import model_config
        hook = model_config.users_compile_hook(instance)
        if hook is not None:
            hook(compile_config)
        elif hasattr(instance, "compile") and hasattr(instance, "layers"):
            model_config.compile_from_config(instance, compile_config, "deserialize_keras_object", custom_objects)
    if shared_id is not None:
        _SHARED.get()[shared_id] = instance
    return instance


_NOT_SPECIAL = object()


def _special_value(class_name, inner, config, custom_objects, safe_mode):
    """Keras 3's spellings of values that are not objects: arrays, bytes, slices, Ellipsis, lambdas."""
    if class_name == "__numpy__":
        return _plain_array(inner)
    if class_name == "__tensor__":
        import torch
        from tkeras.backend import config as backend_config
        return torch.as_tensor(_plain_array(inner), device=backend_config.device())
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(_deserialize(inner.get(k), custom_objects, safe_mode, None, None)
                       for k in ("start", "stop", "step")))
    if class_name == "__lambda__":
        from tkeras.saving.function_code import function_from_config
        from tkeras.saving.safe_mode import OPT_IN, bytecode_allowed, in_safe_mode
        allowed = bytecode_allowed() or (safe_mode is False and in_safe_mode() is None)
        if not allowed:
            from tkeras.saving.errors import UnsafeLoadError
            raise UnsafeLoadError(f"deserialize_keras_object: the config holds a Python lambda (bytecode); "
                                  f"turning it into code would run code from the config. {OPT_IN}")
        return function_from_config(config, "deserialize_keras_object", custom_objects)
    return _NOT_SPECIAL


def _loss_or_metric(class_name, module, inner):
    """A Keras 2 `class_name`/`config` entry names no module; for the classes that are both a loss and a
    metric (BinaryCrossentropy, Poisson, ...) the config tells: only a loss has a `reduction`."""
    if object_lookup.namespace_of_module(module) is not None or not isinstance(inner, dict):
        return None
    if class_name in object_lookup.classes_of("losses") and class_name in object_lookup.classes_of("metrics"):
        return "losses" if "reduction" in inner else "metrics"
    return None


def _plain_array(inner):
    """An array written as `{"value": nested lists, "dtype": name}`: numbers, booleans or text only."""
    dtype = np.dtype(inner.get("dtype") or None)
    if dtype.kind not in "biufcUS":
        raise ValueError(f"deserialize_keras_object: an array of dtype {dtype} cannot come from a config "
                         f"(numbers, booleans and text only)")
    return np.array(inner["value"], dtype=dtype)


def _function(name, config, scoped, module_objects, prefer):
    if not isinstance(name, str):
        raise TypeError(f"deserialize_keras_object: a 'function' entry names its function by a string, found "
                        f"{name!r}")
    registered = config.get("registered_name")
    for key in (registered, name):
        if isinstance(key, str) and key != "function" and key in scoped:
            return scoped[key]
    if ">" not in name:  # Keras <= 3.6 wrote a registered function by its bare name
        for key, value in scoped.items():
            if key.endswith(">" + name) and not inspect.isclass(value):
                return value
    if module_objects and name in module_objects and not inspect.isclass(module_objects[name]):
        return module_objects[name]
    found = object_lookup.find_function(name, config.get("module"), prefer)
    if found is None:
        raise ValueError(f"Unknown function {name!r} (module {config.get('module')!r}): it is not one of tkeras' "
                         f"activations, losses or metrics. If it is yours, pass custom_objects={{{name!r}: {name}}} "
                         f"or decorate it with @keras.saving.register_keras_serializable(); functions are never "
                         f"imported by a name taken from a config.")
    return found


def _class(class_name, registered, module, scoped, module_objects, prefer):
    for key in (registered, class_name):
        if isinstance(key, str) and key in scoped:
            return scoped[key]
    selected = object_lookup.namespace_of_module(module)
    if module_objects and class_name in module_objects and (selected is None or selected == prefer):
        return module_objects[class_name]
    if selected == "ops":
        raise ValueError(
            f"{class_name!r} (module {module!r}) is one of Keras' operations, not a layer or object: operation "
            f"nodes are rebuilt only inside the functional model that holds them (load the model)")
    found = object_lookup.find_class(class_name, module, prefer)
    if found is None and isinstance(registered, str):
        found = object_lookup.find_class(registered, module, prefer)
    if found is None and class_name.startswith("Custom>"):
        # tf-keras 2 registers its own optimizers under the default package ("Custom>Adam") and writes
        # that name in Keras 2 configs; nothing registered under it here, so it is the built-in one.
        found = object_lookup.classes_of("optimizers").get(class_name[len("Custom>"):])
    if found is None:
        raise ValueError(
            f"Unknown layer or object class {class_name!r} (module {module!r}). If it is a custom class, pass "
            f"custom_objects={{{class_name!r}: {class_name}}} or decorate it with "
            f"@keras.saving.register_keras_serializable()")
    return found


def _from_config(cls, inner, custom_objects):
    try:
        takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        takes_custom = False
    from tkeras.saving.object_scope import CustomObjectScope
    with CustomObjectScope(custom_objects or {}):
        if takes_custom:
            return cls.from_config(inner, custom_objects=custom_objects)
        return cls.from_config(inner)


@contextlib.contextmanager
def shared_object_scope():
    """One scope of shared objects for several top-level calls (a model and its compile config)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)
