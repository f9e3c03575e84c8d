"""keras.legacy: Keras 2's serialization format, kept by Keras 3 for code and files written before it."""
from tkeras.legacy import saving

__all__ = ["saving"]
