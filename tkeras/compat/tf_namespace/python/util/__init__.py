"""`tensorflow.python.util`: only `deprecation`."""
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tensorflow.python.util")
