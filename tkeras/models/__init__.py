"""tkeras.models: Model, Sequential, and (Keras 2 style) the load/save functions."""
from tkeras.models.model import Model
from tkeras.models.sequential import Sequential

_FROM_SAVING = ("load_model", "model_from_config", "model_from_json", "save_model")


def __getattr__(name):
    # The file formats (h5py, zip) load on first use, so `import tkeras` stays light.
    if name in _FROM_SAVING:
        from tkeras.saving import saving_api
        value = getattr(saving_api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tkeras.models' has no attribute {name!r}")
