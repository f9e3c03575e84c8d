"""Saving and loading: `.keras` (Keras 3) and `.h5` (Keras 2) model files, weights files, configs."""
from tkeras.saving.errors import CorruptFileError, FileLimitError, SavingError, UnsafeLoadError, WeightMismatchError
from tkeras.saving.safe_mode import set_max_dataset_bytes
from tkeras.saving.object_scope import CustomObjectScope, custom_object_scope
from tkeras.saving.serialization import (
    deserialize_keras_object, get_registered_name, get_registered_object, register_keras_serializable,
    serialize_keras_object,
)


def get_custom_objects():
    """The registry `register_keras_serializable` fills; Keras 2 code adds to it directly."""
    from tkeras.saving import serialization
    return serialization._CUSTOM_OBJECTS


# The file formats pull in h5py and zipfile handling: loaded on first use, so `import tkeras` stays light.
_SAVING_API = ("load_model", "load_weights", "model_from_config", "model_from_json", "model_to_json", "save_model",
               "save_weights")


def __getattr__(name):
    if name == "KerasFileEditor":
        from tkeras.saving.file_editor import KerasFileEditor
        globals()[name] = KerasFileEditor
        return KerasFileEditor
    if name in _SAVING_API:
        from tkeras.saving import saving_api
        value = getattr(saving_api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tkeras.saving' has no attribute {name!r}")
