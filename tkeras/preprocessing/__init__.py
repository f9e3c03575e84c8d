"""Keras 2's `keras.preprocessing`: text tokenization and sequence padding, in NumPy (no torch import)."""
from tkeras.preprocessing import sequence, text

__all__ = ["sequence", "text"]
