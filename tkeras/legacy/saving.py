"""keras.legacy.saving: objects <-> configs in Keras 2's format.

Keras 2 wrote an object as `{"class_name": ..., "config": obj.get_config()}` (no `module` or
`registered_name`) and a function by its bare name; reading, the caller names where classes come
from (`module_objects`, e.g. a namespace's globals) and what kind of object it reads, for the error.
"""
import inspect


def serialize_keras_object(instance):
    """`instance` as Keras 2 wrote it: None, a function's name, or {"class_name", "config"}."""
    if instance is None:
        return None
    if inspect.isfunction(instance) or inspect.isbuiltin(instance):
        return getattr(instance, "_registered_name", None) or instance.__name__
    if not hasattr(instance, "get_config"):
        raise ValueError(f"legacy.saving.serialize_keras_object: cannot serialize {instance!r} (of type "
                         f"{type(instance).__name__}): it has no get_config() method")
    from tkeras.saving.serialization import get_registered_name
    return {"class_name": get_registered_name(type(instance)), "config": instance.get_config()}


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None, printable_module_name="object"):
    """The object a Keras 2 config (or name) describes. Classes and functions are looked up in
    `custom_objects`, the registered custom objects, `module_objects`, then tkeras' own namespaces."""
    from tkeras.saving.serialization import deserialize_keras_object as deserialize, get_registered_object
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = get_registered_object(identifier, custom_objects, module_objects)
        if found is None:
            from tkeras.saving import object_lookup
            found = object_lookup.find_function(identifier) or object_lookup.find_class(identifier)
        if found is None:
            raise ValueError(_unknown(printable_module_name, identifier))
        return found
    if not isinstance(identifier, dict) or "class_name" not in identifier:
        raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r} (expected a name "
                         f"or a {{'class_name': ..., 'config': ...}} dict)")
    class_name = identifier["class_name"]
    known = get_registered_object(class_name, custom_objects, module_objects)
    try:
        return deserialize(identifier, custom_objects=custom_objects,
                           module_objects={class_name: known} if known is not None else None)
    except ValueError as error:
        if "nknown" in str(error) or "not found" in str(error):
            raise ValueError(_unknown(printable_module_name, class_name)) from error
        raise


def _unknown(kind, name):
    return (f"Unknown {kind}: {name!r}. A custom {kind} must be passed in custom_objects=, registered with "
            f"@keras.saving.register_keras_serializable(), or be in module_objects=")
