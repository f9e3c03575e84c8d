"""The errors a load or save raises: one family, so callers (and the fuzz test) can tell a bad file
from a bug. Each message names the file and, where known, the layer."""


class SavingError(ValueError):
    """A file could not be written or read as a Keras model or weights file."""


class CorruptFileError(SavingError):
    """The file is truncated, not a zip/HDF5 file, or its JSON or HDF5 content is malformed."""


class WeightMismatchError(SavingError):
    """The file's weights do not fit the model: missing, extra, or of another shape."""


class UnsafeLoadError(SavingError):
    """The file asks to run code (a Lambda's bytecode, a function that is not registered).

    Loading it is refused unless the caller passes `safe_mode=False`; no file can switch that on.
    """
