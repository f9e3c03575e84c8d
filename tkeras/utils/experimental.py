"""tf-keras 2's `keras.utils.experimental` package: `from tensorflow.keras.utils.experimental import
DatasetCreator` resolves here."""
from tkeras.utils.dataset_creator import DatasetCreator

__all__ = ["DatasetCreator"]
