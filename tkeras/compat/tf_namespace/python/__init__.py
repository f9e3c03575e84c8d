"""`tensorflow.python`: of TensorFlow's private tree, only `client.device_lib` (the GPU check tutorials print),
`data` (`Dataset` imported from its private home), `framework.tensor_shape` (TF 2.x-era custom layers) and
`util.deprecation` (the warning switch notebooks flip, which TensorBoard's event reader also uses)."""
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tensorflow.python")
