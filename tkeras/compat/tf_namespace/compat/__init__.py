"""`tf.compat.v1` (TensorFlow 1 names on top of the TF 2 namespace) and `tf.compat.v2` (the namespace itself)."""
from tkeras.compat.tf_namespace.compat import v1, v2  # noqa: F401
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.compat.tf_namespace.compat._helpers import (  # noqa: F401
    as_bytes, as_str, as_str_any, as_text, bytes_or_text_types, complex_types, dimension_at_index, dimension_value,
    forward_compatibility_horizon, forward_compatible, integral_types, path_to_str, real_types,
)

__getattr__ = module_getattr("tf.compat")
