"""Custom layer classes a tf-keras 2 SavedModel brought back without `custom_objects`.

A TensorFlow SavedModel (`model.save("saved_model")`, a bare name) carries the traced call of every
custom layer, so tf-keras 2 loads it again with no `custom_objects` argument and scripts rely on that
(save, then `load_model("saved_model")` a few lines below). tkeras writes the bare name as a Keras zip,
which holds configs, not code; the code is still in the running script, so the layer classes the script
defined (`__main__`) stand in for the traces. Keras 3's `.keras` files keep asking for `custom_objects`,
as in Keras.
"""
import sys


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
