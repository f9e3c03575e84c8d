"""The activation functions of `keras.ops.nn` beyond `ops.nn`'s basic set (`celu`, `glu`, the hard and
shrink families, `sparse_plus`, `sparsemax`, `squareplus`, ...), with Keras 3's definitions.

Integer inputs are taken as floatx, as every Keras activation does.
"""
import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input
from tkeras.ops.reductions import axis_tuple


@user_op
def celu(x, alpha=1.0):
    return F.celu(_float_input(x), alpha=float(alpha))


@user_op
def glu(x, axis=-1):
    """a * sigmoid(b), a and b the two halves of `x` along `axis`."""
    x = _float_input(x)
    (axis,) = axis_tuple("glu", x, axis)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: axis {axis} of 'x' must have an even size, received shape {tuple(x.shape)}")
    return F.glu(x, dim=axis)


@user_op
def hard_sigmoid(x):
    return F.relu6(_float_input(x) + 3.0) / 6.0


@user_op
def hard_silu(x):
    x = _float_input(x)
    return x * (F.relu6(x + 3.0) / 6.0)


hard_swish = hard_silu


def piecewise_input(x):
    """Integer inputs kept as they are: Keras' piecewise-linear activations (relu, hard_tanh, threshold)
    return int32 for int32; only bool is taken as floatx."""
    x = tensor(x)
    return x.to(torch.get_default_dtype()) if x.dtype == torch.bool else x


def log_softmax_over(x, axes):
    """log_softmax normalised jointly over several axes (Keras accepts a tuple axis for softmax and
    log_softmax, in ops and in keras.activations)."""
    return x - torch.logsumexp(x, dim=tuple(int(a) for a in axes), keepdim=True)


@user_op
def hard_tanh(x):
    """Integer inputs stay integers, as in Keras."""
    return torch.clamp(piecewise_input(x), -1, 1)


@user_op
def hard_shrink(x, threshold=0.5):
    x = _float_input(x)
    return torch.where(torch.abs(x) > threshold, x, torch.zeros_like(x))


@user_op
def soft_shrink(x, threshold=0.5):
    x = _float_input(x)
    return torch.where(x > threshold, x - threshold, torch.where(x < -threshold, x + threshold, torch.zeros_like(x)))


@user_op
def tanh_shrink(x):
    x = _float_input(x)
    return x - torch.tanh(x)


@user_op
def threshold(x, threshold, default_value):
    """Integer `x` stays integer unless `default_value` is a float (Keras' result-type rule)."""
    x = piecewise_input(x)
    if not (x.is_floating_point() or x.is_complex() or isinstance(default_value, (int, bool))):
        x = x.to(torch.get_default_dtype())
    return torch.where(x > threshold, x, torch.full_like(x, default_value))


@user_op
def log_sigmoid(x):
    return F.logsigmoid(_float_input(x))


@user_op
def sparse_plus(x):
    """0 below -1, (x + 1)² / 4 between, x above 1: a smooth, sparse softplus."""
    x = _float_input(x)
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, x, torch.square(x + 1) / 4))


@user_op
def sparse_sigmoid(x):
    x = _float_input(x)
    return torch.clamp((x + 1) / 2, 0.0, 1.0)


@user_op
def squareplus(x, b=4):
    x = _float_input(x)
    return (x + torch.sqrt(torch.square(x) + b)) / 2


@user_op
def sparsemax(x, axis=-1):
    """Euclidean projection onto the simplex (Martins & Astudillo, 2016): sparse probabilities."""
    x = _float_input(x)
    (axis,) = axis_tuple("sparsemax", x, axis)
    z = torch.movedim(x, axis, -1)
    ordered = torch.sort(z, dim=-1, descending=True).values
    ranks = torch.arange(1, z.shape[-1] + 1, device=z.device, dtype=z.dtype)
    cumulative = torch.cumsum(ordered, dim=-1)
    support = (1 + ranks * ordered) > cumulative
    k = torch.sum(support, dim=-1, keepdim=True)
    tau = (torch.gather(cumulative, -1, k - 1) - 1) / k.to(z.dtype)
    return torch.movedim(torch.clamp(z - tau, min=0.0), -1, axis)
