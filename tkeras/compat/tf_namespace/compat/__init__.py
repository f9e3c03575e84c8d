"""`tf.compat.v1` (TensorFlow 1 names on top of the TF 2 namespace) and `tf.compat.v2` (the namespace itself)."""
from tkeras.compat.tf_namespace.compat import v1, v2  # noqa: F401
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tf.compat")
