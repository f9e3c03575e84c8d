"""Saving and loading: `.keras` (Keras 3) and `.h5` (Keras 2) model files, weights files, configs."""
from tkeras.saving.errors import CorruptFileError, SavingError, UnsafeLoadError, WeightMismatchError
from tkeras.saving.object_scope import CustomObjectScope, custom_object_scope
from tkeras.saving.saving_api import (
    load_model, load_weights, model_from_config, model_from_json, model_to_json, save_model, save_weights,
)
from tkeras.saving.serialization import (
    deserialize_keras_object, get_registered_name, get_registered_object, register_keras_serializable,
    serialize_keras_object,
)


def get_custom_objects():
    """The registry `register_keras_serializable` fills; Keras 2 code adds to it directly."""
    from tkeras.saving import serialization
    return serialization._CUSTOM_OBJECTS
