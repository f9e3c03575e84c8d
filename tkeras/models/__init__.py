"""tkeras.models: Model, Sequential, and (Keras 2 style) the load/save functions."""
from tkeras.models.model import Model
from tkeras.models.sequential import Sequential
from tkeras.saving.saving_api import load_model, model_from_config, model_from_json, save_model
