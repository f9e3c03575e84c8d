"""`tensorflow.python.framework`: only `tensor_shape` (custom layers of the TF 2.x era build their
`compute_output_shape` results with `tensor_shape.TensorShape`)."""
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tensorflow.python.framework")
