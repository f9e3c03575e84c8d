"""Normalisation functions of `keras.ops.nn` (`batch_normalization`, `layer_normalization`,
`rms_normalization`) on torch's fused kernels where the axes allow.

Half-precision inputs are normalised in float32 and returned in their own dtype, as Keras does, so
float16 activations do not lose the variance to rounding.
"""
import warnings

import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input
from tkeras.ops.reductions import axis_tuple


def _compute(x):
    x = _float_input(x)
    return (x.float() if x.dtype in (torch.float16, torch.bfloat16) else x), x.dtype


def _along(value, x, axes):
    """A per-feature vector (or tensor over `axes`) shaped to broadcast against x."""
    if value is None:
        return None
    value = tensor(value).to(x.dtype)
    if value.dim() == x.dim():
        return value
    shape = [x.shape[a] if a in axes else 1 for a in range(x.dim())]
    return value.reshape(shape)


@user_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    x, dtype = _compute(x)
    axes = axis_tuple("batch_normalization", x, axis)
    mean, variance = _along(mean, x, axes), _along(variance, x, axes)
    result = (x - mean) * torch.rsqrt(variance + epsilon)
    if scale is not None:
        result = result * _along(scale, x, axes)
    if offset is not None:
        result = result + _along(offset, x, axes)
    return result.to(dtype)


@user_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """`rms_scaling=True` (deprecated in Keras) keeps Keras' formula: x * rsqrt(var(x) + eps) * gamma,
    x not centred and beta unused."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    x, dtype = _compute(x)
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    axes = axis_tuple("layer_normalization", x, axis)
    if rms_scaling:
        warnings.warn("layer_normalization: `rms_scaling=True` is deprecated (it scales by the variance, not the "
                      "root mean square); use `ops.rms_normalization`.", stacklevel=3)
        result = x * torch.rsqrt(torch.var(x, dim=axes, keepdim=True, correction=0) + epsilon)
        if gamma is not None:
            result = result * _along(gamma, x, axes)
        return result.to(dtype)
    if axes == tuple(range(x.dim() - len(axes), x.dim())):  # trailing axes: one fused kernel
        shape = x.shape[x.dim() - len(axes):]
        weight = None if gamma is None else tensor(gamma).to(x.dtype).reshape(shape)
        bias = None if beta is None else tensor(beta).to(x.dtype).reshape(shape)
        return F.layer_norm(x, shape, weight, bias, epsilon).to(dtype)
    variance, mean = torch.var_mean(x, dim=axes, keepdim=True, correction=0)
    result = (x - mean) * torch.rsqrt(variance + epsilon)
    if gamma is not None:
        result = result * _along(gamma, x, axes)
    if beta is not None:
        result = result + _along(beta, x, axes)
    return result.to(dtype)


@user_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x, dtype = _compute(x)
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    axes = axis_tuple("rms_normalization", x, axis)
    result = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    if scale is not None:
        result = result * _along(scale, x, axes)
    return result.to(dtype)


@user_op
def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its `order`-norm over `axis`, the norm floored at epsilon (backend epsilon by default)."""
    x = _float_input(x)
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    if order == 2:
        squares = torch.sum(torch.square(x), dim=axis, keepdim=True)
        return x * torch.clamp(torch.rsqrt(squares), max=1.0 / epsilon)
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=epsilon)
