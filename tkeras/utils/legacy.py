"""`keras.utils.legacy`: Keras 2's object serialization, `{"class_name": ..., "config": ...}`.

Keras 3 writes `module`/`class_name`/`config`/`registered_name` (tkeras.saving.serialization); configs
made by tf-keras 2 code, and tools that still expect them, use this older, flatter shape: an object
becomes its class's registered name and its `get_config()`, a function becomes its name. Reading
looks names up in `custom_objects`, the active `custom_object_scope`, `module_objects`, then the
registered and built-in classes.
"""
import inspect

from tkeras.saving.object_scope import active_custom_objects
from tkeras.saving.serialization import get_registered_name, get_registered_object


def serialize_keras_object(instance):
    """The Keras 2 form of `instance`: None, a function's name, or {"class_name", "config"}."""
    instance = inspect.unwrap(instance) if callable(instance) else instance
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = {}
        for key, item in instance.get_config().items():
            if isinstance(item, str) or not (hasattr(item, "get_config") or inspect.isfunction(item)):
                config[key] = item
                continue
            nested = serialize_keras_object(item)
            if isinstance(nested, dict):
                nested["__passive_serialization__"] = True  # Keras 2's marker for a nested object
            config[key] = nested
        return {"class_name": get_registered_name(instance), "config": config}
    if hasattr(instance, "__name__"):
        return getattr(instance, "_registered_name", instance.__name__)
    raise ValueError(f"Cannot serialize {instance!r} because it doesn't implement `get_config()`.")


def _lookup(name, module_objects, custom_objects):
    for table in (custom_objects or {}, active_custom_objects(), module_objects or {}):
        if name in table:
            return table[name]
    return get_registered_object(name)


def _unknown(kind, name):
    return ValueError(f"Unknown {kind}: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                      f"and that this object is included in the scope (or pass it in custom_objects).")


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None, printable_module_name="object"):
    """An object from its Keras 2 form (a {"class_name", "config"} dict or a name)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format for {printable_module_name}: expected a dict with "
                             f"'class_name' and 'config', received {identifier!r:.200}")
        name = identifier["class_name"]
        cls = _lookup(name, module_objects, custom_objects)
        if cls is None:
            raise _unknown(printable_module_name, name)
        config = dict(identifier["config"])
        if not hasattr(cls, "from_config"):
            return cls(**config)
        try:
            takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
        except (TypeError, ValueError):
            takes_custom = False
        if takes_custom:
            return cls.from_config(config, custom_objects={**(module_objects or {}), **(custom_objects or {})})
        return cls.from_config(config)
    if isinstance(identifier, str):
        found = _lookup(identifier, module_objects, custom_objects)
        if found is None:
            raise _unknown(printable_module_name, identifier)
        return found() if inspect.isclass(found) else found
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r:.200}")
