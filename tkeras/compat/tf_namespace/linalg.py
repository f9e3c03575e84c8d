"""`tf.linalg`: the matrix functions tutorials use."""
from tkeras.compat.tf_namespace._functions import det, diag, inv, matrix_transpose, norm  # noqa: F401
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import eye  # noqa: F401
from tkeras.ops.math_ops import einsum, matmul, tensordot  # noqa: F401
from tkeras.ops.nn import l2_normalize  # noqa: F401

adjoint = matrix_transpose

__getattr__ = module_getattr("tf.linalg")
