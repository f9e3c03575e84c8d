"""Keras 1's metric functions under `keras.metrics` for old scripts: `from keras.metrics import fmeasure`."""
from tkeras.metrics.keras1_functions import fbeta_score, fmeasure, precision, recall  # noqa: F401
