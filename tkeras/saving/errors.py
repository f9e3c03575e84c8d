"""The errors a load or save raises: one family, so callers (and the fuzz tests) can tell a bad file
from a bug. Each message names the file, the entry (layer, dataset, member) and, for a refusal, the
rule of the safe-loading policy that refused it (see `safe_mode`)."""


class SavingError(ValueError):
    """A file could not be written or read as a Keras model or weights file."""


class CorruptFileError(SavingError):
    """The file is truncated, not a zip/HDF5 file, or its JSON or HDF5 content is malformed."""


class WeightMismatchError(SavingError):
    """The file's weights do not fit the model: missing, extra, or of another shape."""


class UnsafeLoadError(SavingError):
    """The file asks for something the safe-loading policy refuses: to run code (a Lambda's bytecode,
    a function or operation that is not one of tkeras' own), or to read data from outside itself (a
    vocabulary file path, HDF5 external storage or links).

    What `safe_mode=False` lifts is listed in `safe_mode`; no file can switch the policy off.
    """


class FileLimitError(SavingError):
    """The file would exceed a resource limit of loading: a dataset declaring more bytes than the
    limit, a config nested deeper than any model, or more memory than the machine has."""
