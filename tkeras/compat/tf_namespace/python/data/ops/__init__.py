"""`tensorflow.python.data.ops`: only `dataset_ops`."""
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tensorflow.python.data.ops")
