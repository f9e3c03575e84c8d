"""`tf.linalg`: matrix functions with TensorFlow's return conventions (see `_linalg_extra.py`)."""
from tkeras.compat.tf_namespace._functions import det, diag, matrix_transpose, norm  # noqa: F401
from tkeras.compat.tf_namespace._linalg_extra import (  # noqa: F401
    band_part, cholesky, cholesky_solve, cross, diag_part, eig, eigh, eigvals, eigvalsh, expm, global_norm, inv,
    logdet, logm, lstsq, lu, lu_matrix_inverse, lu_reconstruct, lu_solve, matrix_rank, matvec, normalize, pinv, qr,
    set_diag, slogdet, solve, sqrtm, svd, tensor_diag, tensor_diag_part, trace, triangular_solve, tridiagonal_matmul,
    tridiagonal_solve,
)
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import eye  # noqa: F401
from tkeras.ops.math_ops import einsum, matmul, tensordot  # noqa: F401
from tkeras.ops.nn import l2_normalize  # noqa: F401

adjoint = matrix_transpose

__getattr__ = module_getattr("tf.linalg")
