"""Objects <-> Keras config dicts (`{"module", "class_name", "config", "registered_name"}`).

Classes are found by name in tkeras' own namespaces and in what the user registered or passed as
`custom_objects`; nothing is ever imported or executed by a name taken from a config.
"""
_CUSTOM_OBJECTS = {}


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a user class loadable by name (`package>name`), as in Keras."""
    def decorate(obj):
        registered = f"{package}>{name or obj.__name__}"
        _CUSTOM_OBJECTS[registered] = obj
        _CUSTOM_OBJECTS.setdefault(obj.__name__, obj)
        obj._registered_name = registered
        return obj
    return decorate


def get_registered_name(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return getattr(cls, "_registered_name", cls.__name__)


def get_registered_object(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM_OBJECTS:
        return _CUSTOM_OBJECTS[name]
    return _builtin_classes().get(name)


def _builtin_classes():
    import tkeras
    from tkeras import layers, models
    table = {}
    for namespace in (layers, models):
        for attr in dir(namespace):
            value = getattr(namespace, attr)
            if isinstance(value, type):
                table.setdefault(attr, value)
    table["Functional"] = getattr(models, "Functional", table.get("Model"))
    # A functional model's operator nodes (`x * 2.0`): the class checks its operation against the
    # allow-list of public ops, so registering it lets no file name anything else.
    from tkeras.models.functional_ops import OperatorLayer
    table["OperatorLayer"] = OperatorLayer
    return table


def serialize_keras_object(obj):
    if obj is None:
        return None
    if isinstance(obj, (str, int, float, bool)):
        return obj
    cls = type(obj)
    module = cls.__module__
    registered_name = getattr(cls, "_registered_name", None)
    if module.startswith("tkeras."):
        module = "keras." + module.split(".")[1]
    if module == "keras.models" and cls.__name__ == "Functional":
        # Not a public Keras name: Keras 3 finds it by its source module and registered name only.
        module, registered_name = "keras.src.models.functional", "Functional"
    elif module == "keras.models" and cls.__name__ == "Sequential":
        module = "keras"  # as Keras 3 writes it, top-level or nested
    config = {
        "module": module,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered_name,
    }
    build_config = getattr(obj, "get_build_config", lambda: None)()
    if build_config:
        config["build_config"] = build_config
    return config


def deserialize_keras_object(config, custom_objects=None):
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        cls = get_registered_object(config, custom_objects)
        if cls is None:
            raise ValueError(f"Unknown object {config!r}: pass it in custom_objects or register it with "
                             f"@keras.saving.register_keras_serializable()")
        return cls() if isinstance(cls, type) else cls
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    cls = None
    if registered:
        cls = get_registered_object(registered, custom_objects)
    if cls is None:
        cls = get_registered_object(class_name, custom_objects)
    if cls is None:
        raise ValueError(
            f"Unknown layer or object class {class_name!r}. If it is a custom class, pass it in "
            f"custom_objects={{'{class_name}': {class_name}}} or decorate it with "
            f"@keras.saving.register_keras_serializable()")
    inner = dict(config.get("config", {}))
    try:
        import inspect
        takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        takes_custom = False
    obj = cls.from_config(inner, custom_objects=custom_objects) if takes_custom else cls.from_config(inner)
    if config.get("build_config") and hasattr(obj, "build_from_config"):
        obj.build_from_config(config["build_config"])
    return obj
