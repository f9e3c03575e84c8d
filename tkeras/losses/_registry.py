"""Name tables behind `losses.get/serialize/deserialize` and `metrics.get/...` (shared logic).

Keras 3 resolves a string to a function when it is a function's name ('binary_crossentropy') and to
an instance when it is a class name ('BinaryCrossentropy'); dicts are configs in the Keras 3 form
(`module/class_name/config/registered_name`, functions as `class_name: "function"`) or the Keras 2
form (`class_name/config`). Nothing is imported by a name found in a config.
"""
import inspect

from tkeras.utils.lookup import canonical, lookup_error


class Registry:
    def __init__(self, kind, module, objects, base_class, functions=None):
        self.kind = kind  # 'loss' or 'metric', for messages
        self.module = module  # 'keras.losses', written into configs
        self.objects = dict(objects)
        # Functions by name, for `class_name: "function"` configs: in metrics a function's name
        # ('binary_accuracy') resolves to a class when given as a string, but a saved fn is the function.
        self.functions = dict(functions or {})
        self.base_class = base_class
        self._canonical = {}
        # Functions first: 'binarycrossentropy' reads like a function name more than a class name.
        for name, obj in sorted(self.objects.items(), key=lambda item: inspect.isclass(item[1])):
            self._canonical.setdefault(canonical(name), obj)

    def find(self, name, custom_objects=None):
        """The object registered under `name` (exact, then case/underscore-insensitive), else None."""
        from tkeras.saving.object_scope import active_custom_objects
        from tkeras.saving.serialization import get_registered_object
        custom_objects = {**active_custom_objects(), **(custom_objects or {})}
        if name in custom_objects:
            return custom_objects[name]
        if name in self.objects:
            return self.objects[name]
        registered = get_registered_object(name, custom_objects)
        if registered is not None and (not inspect.isclass(registered) or issubclass(registered, self.base_class)):
            return registered
        return self._canonical.get(canonical(name))

    def unknown(self, name):
        return lookup_error(self.kind, name, [n for n in self.objects if not n.isupper()])

    def get(self, identifier, custom_objects=None):
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            obj = self.deserialize(identifier, custom_objects)
        elif isinstance(identifier, str):
            obj = self.find(identifier, custom_objects)
            if obj is None:
                raise self.unknown(identifier)
        else:
            obj = identifier
        if inspect.isclass(obj):
            self._check_constructible(obj, identifier)
            obj = obj()
        if not callable(obj) and not isinstance(obj, self.base_class):
            raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r} (expected a name, a "
                             f"config dict, a {self.base_class.__name__} instance or a function "
                             f"f(y_true, y_pred))")
        return obj

    def _check_constructible(self, cls, identifier):
        """A class named without its required arguments ('mean_io_u' needs num_classes) fails here, in
        words, rather than as a TypeError from deep inside compile."""
        try:
            parameters = inspect.signature(cls.__init__).parameters.values()
        except (TypeError, ValueError):
            return
        required = [p.name for p in parameters if p.name != "self" and p.default is p.empty
                    and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if required:
            raise ValueError(f"The {self.kind} {identifier!r} cannot be made from its name alone: {cls.__name__} "
                             f"needs {', '.join(required)}. Pass an instance instead, e.g. "
                             f"{cls.__name__}({', '.join(f'{name}=...' for name in required)}).")

    def serialize(self, obj):
        if obj is None or isinstance(obj, str):
            return obj
        if isinstance(obj, self.base_class) or hasattr(obj, "get_config") and not inspect.isfunction(obj):
            cls = type(obj)
            return {"module": self._module_of(cls), "class_name": cls.__name__, "config": obj.get_config(),
                    "registered_name": getattr(cls, "_registered_name", None)}
        name = getattr(obj, "__name__", None)
        if name is None:
            raise ValueError(f"Cannot serialize {self.kind} {obj!r}: it is neither a {self.base_class.__name__} "
                             f"nor a named function")
        # Keras 3 writes its own functions as module "builtins" (found by name among its namespaces).
        module = "builtins" if (getattr(obj, "__module__", "") or "").startswith("tkeras.") else self._module_of(obj)
        return {"module": module, "class_name": "function", "config": name,
                "registered_name": getattr(obj, "_registered_name", "function")}

    def _module_of(self, obj):
        module = getattr(obj, "__module__", "") or ""
        return self.module if module.startswith("tkeras.") or not module else module

    def deserialize(self, config, custom_objects=None):
        if config is None:
            return None
        if isinstance(config, str):
            return self.get(config, custom_objects)
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"Could not deserialize {self.kind} from {config!r}: expected a name or a dict "
                             f"with 'class_name' and 'config'")
        class_name = config["class_name"]
        inner = config.get("config")
        if class_name == "function":
            obj = None
            if isinstance(inner, str):
                from tkeras.saving.object_scope import active_custom_objects
                scoped = {**active_custom_objects(), **(custom_objects or {})}
                obj = scoped.get(inner) or self.functions.get(inner) or self.find(inner, custom_objects)
            if obj is None:
                raise self.unknown(inner)
            return obj
        cls = None
        for name in (config.get("registered_name"), class_name):
            if isinstance(name, str) and name != "function":
                cls = self.find(name, custom_objects)
                if cls is not None:
                    break
        if cls is None:
            raise self.unknown(class_name)
        if not inspect.isclass(cls):
            return cls
        try:
            takes_custom = "custom_objects" in inspect.signature(cls.from_config).parameters
        except (TypeError, ValueError):
            takes_custom = False
        if takes_custom:
            return cls.from_config(dict(inner or {}), custom_objects=custom_objects)
        return cls.from_config(dict(inner or {}))
