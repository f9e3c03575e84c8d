"""Custom layer classes a tf-keras 2 SavedModel brought back without `custom_objects`.

A TensorFlow SavedModel (`model.save("saved_model")`, a bare name) carries the traced call of every
custom layer, so tf-keras 2 loads it again with no `custom_objects` argument and scripts rely on that
(save, then `load_model("saved_model")` a few lines below). tkeras writes the bare name as a Keras zip,
which holds configs, not code; the code is still in the running script, so the layer classes the script
defined (`__main__`) stand in for the traces. Keras 3's `.keras` files keep asking for `custom_objects`,
as in Keras.
"""
import sys

from tkeras.saving.config_compat import constructor_keys


def saved_model_style(filepath):
    """A path tf-keras 2 would have written as a SavedModel folder: neither `.keras` nor HDF5 by name."""
    return not str(filepath).lower().endswith((".keras", ".h5", ".hdf5"))


def running_script_layer_classes():
    """{class name: class} for the Layer (and Model) subclasses defined by the running script."""
    from tkeras.layers.layer import Layer
    script = sys.modules.get("__main__")
    if script is None:
        return {}
    return {name: value for name, value in vars(script).items()
            if isinstance(value, type) and issubclass(value, Layer) and value.__module__ == "__main__"}


# The keys every layer's config carries that a revived SavedModel layer keeps whatever its constructor takes.
_REVIVED_KEYS = ("name", "trainable", "dtype")


def saved_model_classes(custom_objects):
    """`custom_objects` for a SavedModel-style load, each layer class able to come back as tf-keras 2 revives it.

    A custom layer written `def __init__(self, units):` with `super().get_config()` in its `get_config`
    saves `name`, `trainable` and `dtype` that its constructor refuses. Rebuilding it from its config fails
    in every Keras; a SavedModel load then falls back to the saved layer itself, which keeps its name,
    trainable flag and dtype (and the functional graph finds it by that name). Here the class is built from
    the keys its constructor takes, and those three are set on it afterwards.
    """
    from tkeras.layers.layer import Layer
    return {key: _reviving(value) if isinstance(value, type) and issubclass(value, Layer) else value
            for key, value in custom_objects.items()}


def _reviving(cls):
    accepted, open_ended = constructor_keys(cls)
    if open_ended or all(key in accepted for key in _REVIVED_KEYS):
        return cls

    def from_config(_, config):
        layer = cls.from_config({key: value for key, value in config.items() if key in accepted})
        if "name" not in accepted and isinstance(config.get("name"), str):
            layer.name = config["name"]
        if "trainable" not in accepted and "trainable" in config:
            layer.trainable = config["trainable"]
        if "dtype" not in accepted and config.get("dtype") is not None:
            layer.dtype_policy = config["dtype"]
        return layer

    # Only a lookup vehicle: its open constructor lets every key of the config through to from_config,
    # which builds an instance of the script's own class.
    return type(cls.__name__, (cls,), {"__init__": _open_constructor, "from_config": classmethod(from_config),
                                       "__module__": cls.__module__, "__qualname__": cls.__qualname__})


def _open_constructor(self, *args, **kwargs):
    raise TypeError("a stand-in used only to look a layer class up while loading; it is never constructed")
