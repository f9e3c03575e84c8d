"""Names old code reads on the `keras` package itself (the companion of `tkeras` under the import hook).

`keras.__version__` reports the Keras version whose API tkeras follows (see `versions`); tkeras' own
`tkeras.__version__` is the package's release and stays as it is.
"""
from tkeras.compat.legacy.versions import KERAS_VERSION as __version__  # noqa: F401


def version():
    """`keras.version()` (Keras 3): the same string as `keras.__version__` under the import hook."""
    return __version__
