"""`keras.ops.linalg`: decompositions, solves and norms on `torch.linalg`, batched over leading axes.

Integer inputs are taken as floatx; square-matrix ops check the last two axes and name the argument
when they are not square, instead of torch's bare LinAlg error.
"""
import torch

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input, norm

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq", "lu_factor", "matrix_rank",
           "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]


def _matrices(op, x, name="x", square=True):
    x = _float_input(x)
    if x.dim() < 2:
        raise ValueError(f"{op}: argument {name!r} must have at least 2 dimensions (..., M, N), received shape "
                         f"{tuple(x.shape)}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op}: argument {name!r} must be square in its last two axes, received shape "
                         f"{tuple(x.shape)}")
    return x


def _solve_pair(op, a, b):
    a = _matrices(op, a, "a")
    b = tensor(b).to(a.dtype)
    if b.dim() == 0 or b.shape[a.dim() - 2 if b.dim() == a.dim() else -1] != a.shape[-1]:
        raise ValueError(f"{op}: 'b' of shape {tuple(b.shape)} does not match 'a' of shape {tuple(a.shape)}")
    return a, b


@user_op
def cholesky(x, upper=False):
    x = _matrices("cholesky", x)
    result, info = torch.linalg.cholesky_ex(x, upper=upper)
    if bool(torch.any(info > 0)):
        raise ValueError("cholesky: argument 'x' is not symmetric positive definite")
    return result


@user_op
def cholesky_inverse(x, upper=False):
    """The inverse of A from its Cholesky factor x (A = L Lᵀ, or Uᵀ U with upper=True)."""
    return torch.cholesky_inverse(_matrices("cholesky_inverse", x), upper=upper)


@user_op
def det(x):
    return torch.linalg.det(_matrices("det", x))


@user_op
def eig(x):
    """(eigenvalues, eigenvectors), complex in general as NumPy's."""
    return tuple(torch.linalg.eig(_matrices("eig", x)))


@user_op
def eigh(x):
    """(eigenvalues ascending, eigenvectors) of a symmetric/Hermitian matrix (lower triangle read)."""
    return tuple(torch.linalg.eigh(_matrices("eigh", x)))


@user_op
def inv(x):
    return torch.linalg.inv(_matrices("inv", x))


@user_op
def solve(a, b):
    a, b = _solve_pair("solve", a, b)
    return torch.linalg.solve(a, b)


@user_op
def solve_triangular(a, b, lower=False):
    a, b = _solve_pair("solve_triangular", a, b)
    vector = b.dim() == a.dim() - 1
    result = torch.linalg.solve_triangular(a, b.unsqueeze(-1) if vector else b, upper=not lower)
    return result.squeeze(-1) if vector else result


@user_op
def lstsq(a, b, rcond=None):
    """The least-squares solution only (NumPy's first result), as Keras returns it."""
    a = _matrices("lstsq", a, "a", square=False)
    b = tensor(b).to(a.dtype)
    vector = b.dim() == 1
    solution = torch.linalg.lstsq(a, b.unsqueeze(-1) if vector else b, rcond=rcond,
                                  driver="gelsd" if a.device.type == "cpu" else None).solution
    return solution.squeeze(-1) if vector else solution


@user_op
def lu_factor(x):
    """(LU, pivots) with 0-based pivots, as SciPy's lu_factor; a singular matrix still has its factors."""
    lu, pivots, _ = torch.linalg.lu_factor_ex(_matrices("lu_factor", x, square=False))
    return lu, pivots - 1


@user_op
def matrix_rank(x, tol=None):
    return torch.linalg.matrix_rank(_matrices("matrix_rank", x, square=False), atol=tol,
                                    rtol=None if tol is None else 0.0).to(torch.int32)


@user_op
def pinv(x, rcond=None):
    x = _matrices("pinv", x, square=False)
    return torch.linalg.pinv(x) if rcond is None else torch.linalg.pinv(x, rtol=rcond)


@user_op
def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: argument 'mode' must be 'reduced' or 'complete', received {mode!r}")
    return tuple(torch.linalg.qr(_matrices("qr", x, square=False), mode=mode))


@user_op
def svd(x, full_matrices=True, compute_uv=True):
    x = _matrices("svd", x, square=False)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    return tuple(torch.linalg.svd(x, full_matrices=full_matrices))


def jvp(fun, primals, tangents, has_aux=False):
    """(outputs, tangents out[, aux]) by forward-mode autodiff (torch.func.jvp)."""
    primals = tuple(tensor(p) for p in primals)
    tangents = tuple(tensor(t).to(p.dtype) for t, p in zip(tangents, primals))
    return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)


@user_op
def slogdet(x):
    """(sign, log|det|)."""
    return tuple(torch.linalg.slogdet(_matrices("slogdet", x)))


@user_op
def logdet(x):
    return torch.logdet(_matrices("logdet", x))
