"""`keras.utils.sequence_utils`: Keras 3's import path of `pad_sequences` (implemented once, in
`tkeras.preprocessing.sequence`)."""
from tkeras.preprocessing.sequence import pad_sequences

__all__ = ["pad_sequences"]
