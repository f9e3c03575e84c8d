"""`tf.linalg` on torch.linalg, with TensorFlow's return conventions: svd gives (s, u, v) with v not
transposed, eig/eigh give (values, vectors), qr is reduced unless full_matrices, lu gives a packed LU and a
permutation vector, and failed factorizations raise InvalidArgumentError."""
import torch

from tkeras.compat.tf_namespace import errors
from tkeras.ops.core import tensor, user_op


def _matrix(x):
    x = tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.get_default_dtype())


@user_op
def inv(input, adjoint=False, name=None):  # noqa: A002
    x = _matrix(input)
    x = x.mH if adjoint else x
    result, info = torch.linalg.inv_ex(x)
    if bool((info != 0).any()):
        raise errors.op_error(errors.InvalidArgumentError, "Input is not invertible.", "MatrixInverse")
    return result


@user_op
def slogdet(input, name=None):  # noqa: A002
    sign, logabsdet = torch.linalg.slogdet(_matrix(input))
    return sign, logabsdet


@user_op
def logdet(matrix, name=None):
    return 2 * torch.log(torch.diagonal(torch.linalg.cholesky(_matrix(matrix)), dim1=-2, dim2=-1)).sum(-1)


@user_op
def cholesky(input, name=None):  # noqa: A002
    result, info = torch.linalg.cholesky_ex(_matrix(input))
    if bool((info != 0).any()):
        raise errors.op_error(errors.InvalidArgumentError, "Cholesky decomposition was not successful. The input "
                                                           "might not be valid.", "Cholesky")
    return result


@user_op
def cholesky_solve(chol, rhs, name=None):
    return torch.cholesky_solve(_matrix(rhs), _matrix(chol))


@user_op
def solve(matrix, rhs, adjoint=False, name=None):
    a = _matrix(matrix)
    return torch.linalg.solve(a.mH if adjoint else a, _matrix(rhs))


@user_op
def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    a = _matrix(matrix)
    a = torch.tril(a) if lower else torch.triu(a)
    if adjoint:
        a, lower = a.mH, not lower
    return torch.linalg.solve_triangular(a, _matrix(rhs), upper=not lower)


@user_op
def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    a, b = _matrix(matrix), _matrix(rhs)
    if l2_regularizer:
        gram = a.mH @ a + l2_regularizer * torch.eye(a.shape[-1], dtype=a.dtype, device=a.device)
        return torch.linalg.solve(gram, a.mH @ b)
    return torch.linalg.lstsq(a, b).solution


@user_op
def eigh(tensor_, name=None):
    values, vectors = torch.linalg.eigh(_matrix(tensor_))
    return values, vectors


@user_op
def eigvalsh(tensor_, name=None):
    return torch.linalg.eigvalsh(_matrix(tensor_))


@user_op
def eig(tensor_, name=None):
    values, vectors = torch.linalg.eig(_matrix(tensor_))
    return values, vectors


@user_op
def eigvals(tensor_, name=None):
    return torch.linalg.eigvals(_matrix(tensor_))


@user_op
def svd(tensor_, full_matrices=False, compute_uv=True, name=None):
    x = _matrix(tensor_)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return s, u, vh.mH


@user_op
def qr(input, full_matrices=False, name=None):  # noqa: A002
    q, r = torch.linalg.qr(_matrix(input), mode="complete" if full_matrices else "reduced")
    return q, r


@user_op
def lu(input, output_idx_type=torch.int32, name=None):  # noqa: A002
    """TensorFlow's permutation p: row i of the LU product is row p[i] of the input."""
    from tkeras.ops.core import to_torch_dtype
    packed, pivots = torch.linalg.lu_factor(_matrix(input))
    perm = torch.arange(packed.shape[-1], device=packed.device).expand(packed.shape[:-1]).clone()
    pivots = pivots.long() - 1
    for i in range(pivots.shape[-1]):
        j = pivots[..., i:i + 1]
        a, b = perm[..., i:i + 1].clone(), perm.gather(-1, j)
        perm[..., i:i + 1] = b
        perm.scatter_(-1, j, a)
    return packed, perm.to(to_torch_dtype(output_idx_type))


def _unpack(lower_upper):
    n = lower_upper.shape[-1]
    eye = torch.eye(n, dtype=lower_upper.dtype, device=lower_upper.device)
    return torch.tril(lower_upper, -1) + eye, torch.triu(lower_upper)


@user_op
def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    lower, upper = _unpack(tensor(lower_upper))
    product = lower @ upper
    inverse = torch.argsort(tensor(perm).long(), dim=-1)
    return product.gather(-2, inverse.unsqueeze(-1).expand_as(product))


@user_op
def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    lower, upper = _unpack(tensor(lower_upper))
    rhs = tensor(rhs)
    permuted = rhs.gather(-2, tensor(perm).long().unsqueeze(-1).expand_as(rhs))
    y = torch.linalg.solve_triangular(lower, permuted, upper=False, unitriangular=True)
    return torch.linalg.solve_triangular(upper, y, upper=True)


@user_op
def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    n = tensor(lower_upper).shape[-1]
    eye = torch.eye(n, dtype=tensor(lower_upper).dtype).expand(tensor(lower_upper).shape)
    return lu_solve(lower_upper, perm, eye)


@user_op
def pinv(a, rcond=None, validate_args=False, name=None):
    x = _matrix(a)
    if rcond is None:
        rcond = 10 * max(x.shape[-2:]) * torch.finfo(x.dtype).eps
    return torch.linalg.pinv(x, rtol=rcond)


@user_op
def matrix_rank(a, tol=None, validate_args=False, name=None):
    return torch.linalg.matrix_rank(_matrix(a), atol=tol).to(torch.int64) if tol is not None else \
        torch.linalg.matrix_rank(_matrix(a)).to(torch.int64)


@user_op
def expm(input, name=None):  # noqa: A002
    return torch.linalg.matrix_exp(_matrix(input))


@user_op
def sqrtm(input, name=None):  # noqa: A002
    values, vectors = torch.linalg.eig(_matrix(input))
    root = vectors @ torch.diag_embed(torch.sqrt(values)) @ torch.linalg.inv(vectors)
    return root.real.to(tensor(input).dtype) if not tensor(input).is_complex() else root


@user_op
def logm(input, name=None):  # noqa: A002
    x = tensor(input)
    if not x.is_complex():
        raise TypeError("logm: TensorFlow accepts complex64 or complex128 matrices only")
    values, vectors = torch.linalg.eig(x)
    return (vectors @ torch.diag_embed(torch.log(values)) @ torch.linalg.inv(vectors)).to(x.dtype)


@user_op
def trace(x, name=None):
    return torch.diagonal(tensor(x), dim1=-2, dim2=-1).sum(-1)


@user_op
def diag_part(input, name=None, k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    return torch.diagonal(tensor(input), offset=int(k), dim1=-2, dim2=-1)


@user_op
def set_diag(input, diagonal, name=None, k=0, align="RIGHT_LEFT"):  # noqa: A002
    x = tensor(input).clone()
    torch.diagonal(x, offset=int(k), dim1=-2, dim2=-1).copy_(tensor(diagonal).to(x.dtype))
    return x


@user_op
def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    x = tensor(input)
    rows = torch.arange(x.shape[-2], device=x.device).unsqueeze(-1)
    cols = torch.arange(x.shape[-1], device=x.device)
    lower, upper = int(num_lower), int(num_upper)
    keep = ((lower < 0) | (rows - cols <= lower)) & ((upper < 0) | (cols - rows <= upper))
    return torch.where(keep, x, torch.zeros_like(x))


@user_op
def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    a, b = tensor(a), tensor(b)
    a = a.mT if transpose_a else a.mH if adjoint_a else a
    return (a @ b.unsqueeze(-1)).squeeze(-1)


@user_op
def cross(a, b, name=None):
    return torch.linalg.cross(tensor(a), tensor(b), dim=-1)


@user_op
def normalize(tensor_, ord="euclidean", axis=None, name=None):  # noqa: A002
    from tkeras.compat.tf_namespace._functions import norm
    x = tensor(tensor_)
    n = norm(x, ord=ord, axis=axis, keepdims=True)
    return x / n, n


@user_op
def tensor_diag(diagonal, name=None):
    d = tensor(diagonal)
    return torch.diag(d.reshape(-1)).reshape(tuple(d.shape) * 2)


@user_op
def tensor_diag_part(input, name=None):  # noqa: A002
    x = tensor(input)
    half = x.dim() // 2
    n = int(torch.tensor(x.shape[:half]).prod()) if half else 1
    return torch.diagonal(x.reshape(n, n)).reshape(x.shape[:half])


@user_op
def global_norm(t_list, name=None):
    values = [tensor(t) for t in t_list if t is not None]
    if not values:
        return torch.tensor(0.0)
    return torch.sqrt(sum((v.float() * v.float()).sum() for v in values)).to(values[0].dtype)


@user_op
def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    d, rhs = tensor(diagonals), tensor(rhs)
    if diagonals_format != "compact":
        raise ValueError("tridiagonal_matmul: tkeras supports diagonals_format='compact' only")
    full = torch.diag_embed(d[..., 1, :]) + torch.diag_embed(d[..., 0, :-1], 1) + torch.diag_embed(d[..., 2, 1:], -1)
    return full @ rhs


@user_op
def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True, perturb_singular=False):
    d, rhs = tensor(diagonals), tensor(rhs)
    if diagonals_format != "compact":
        raise ValueError("tridiagonal_solve: tkeras supports diagonals_format='compact' only")
    full = torch.diag_embed(d[..., 1, :]) + torch.diag_embed(d[..., 0, :-1], 1) + torch.diag_embed(d[..., 2, 1:], -1)
    rhs = rhs.mT if transpose_rhs else rhs
    squeeze = rhs.dim() == d.dim() - 1
    result = torch.linalg.solve(full, rhs.unsqueeze(-1) if squeeze else rhs)
    return result.squeeze(-1) if squeeze else result
