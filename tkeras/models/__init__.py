"""tkeras.models: Model, Sequential, and (Keras 2 style) the load/save functions."""
from tkeras.models.cloning import clone_model
from tkeras.models.linear_model import LinearModel  # tf-keras 2 premade (keras.experimental): configs load it
from tkeras.models.model import Model
from tkeras.models.sequential import Sequential
from tkeras.models.wide_deep_model import WideDeepModel  # tf-keras 2 premade (keras.experimental)

_FROM_SAVING = ("load_model", "model_from_config", "model_from_json", "save_model")


def model_from_yaml(yaml_string, custom_objects=None):
    """Removed in tf-keras 2.6 (YAML could run arbitrary code); refused with the same advice."""
    raise RuntimeError("Method `model_from_yaml()` has been removed due to security risk of arbitrary code "
                       "execution. Please use `Model.to_json()` and `model_from_json()` instead.")


def __getattr__(name):
    if name == "experimental":  # tf-keras 2's models.experimental.SharpnessAwareMinimization
        import types
        from tkeras.models.sharpness_aware_minimization import SharpnessAwareMinimization
        return types.SimpleNamespace(SharpnessAwareMinimization=SharpnessAwareMinimization)
    # Served by tkeras.saving, which loads the file formats (h5py, zip) on first use.
    if name in _FROM_SAVING:
        from tkeras import saving
        return getattr(saving, name)
    from tkeras._missing_names import MissingAttributeError
    raise MissingAttributeError("tkeras.models", name)
