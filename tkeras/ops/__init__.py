"""tkeras.ops: Keras 3's backend-agnostic ops (NumPy-style names) on torch tensors.

Arguments may be NumPy arrays, Python numbers, tensors or Variables; results are torch tensors
(shown TensorFlow-style in user code, plain inside layers). `tkeras.ops.random` holds the draws.
"""
from tkeras.ops import image, nn, random
from tkeras.ops.core import (
    arange, cast, constant, convert_to_numpy, convert_to_tensor, eye, full, full_like, identity, linspace, ndim,
    ones, ones_like, shape, size, stop_gradient, zeros, zeros_like,
)
from tkeras.ops.math_ops import (
    abs, absolute, add, all, amax, amin, any, arccos, arcsin, arctan, argmax, argmin, ceil, clip, cos, cosh, cumprod,
    cumsum, divide, dot, einsum, equal, exp, expm1, floor, floor_divide, greater, greater_equal, isfinite, isinf,
    isnan, less, less_equal, log, log1p, log2, log10, logical_and, logical_not, logical_or, logical_xor, logsumexp,
    matmul, max, maximum, mean, min, minimum, mod, multiply, negative, norm, not_equal, power, prod, reciprocal,
    round, rsqrt, sign, sin, sinh, sqrt, square, std, subtract, sum, tan, tanh, tensordot, true_divide, var,
)
from tkeras.ops.nn import (
    elu, gelu, leaky_relu, log_softmax, moments, relu, relu6, selu, sigmoid, silu, softmax, softplus, softsign,
    swish,
)
from tkeras.ops.shape_ops import (
    argsort, broadcast_to, concatenate, expand_dims, flip, gather, one_hot, pad, repeat, reshape, slice, sort,
    split, squeeze, stack, take, tile, top_k, transpose, unstack, where,
)
from tkeras.ops.nn import l2_normalize as normalize  # noqa: E402
