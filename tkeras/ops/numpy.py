"""`keras.ops.numpy`: the NumPy-named subset of `keras.ops`, as Keras 3 exposes it (the same functions)."""
from tkeras.ops.core import (  # noqa: F401
    arange, eye, full, full_like, linspace, ndim, ones, ones_like, size, zeros, zeros_like,
)
from tkeras.ops.math_ops import (  # noqa: F401
    abs, absolute, add, all, amax, amin, any, arccos, arcsin, arctan, argmax, argmin, ceil, clip, cos, cosh,
    cumprod, cumsum, divide, dot, einsum, equal, exp, expm1, floor, floor_divide, greater, greater_equal,
    isfinite, isinf, isnan, less, less_equal, log, log10, log1p, log2, logical_and, logical_not, logical_or,
    logical_xor, matmul, max, maximum, mean, min, minimum, mod, multiply, negative, not_equal, power, prod,
    reciprocal, round, sign, sin, sinh, sqrt, square, std, subtract, sum, tan, tensordot, true_divide, var,
)
from tkeras.ops.shape_ops import (  # noqa: F401
    argsort, broadcast_to, concatenate, expand_dims, flip, pad, repeat, reshape, sort, split, squeeze, stack,
    take, tile, transpose, where,
)
from tkeras.ops.nn import (  # noqa: F401
    tanh,
)
from tkeras.ops.elementwise import (  # noqa: F401
    allclose, angle, arccosh, arcsinh, arctan2, arctanh, bitwise_and, bitwise_invert, bitwise_left_shift,
    bitwise_not, bitwise_or, bitwise_right_shift, bitwise_xor, cbrt, conj, conjugate, copy, deg2rad,
    divide_no_nan, exp2, fabs, fmax, fmin, fmod, gcd, heaviside, hypot, i0, imag, isclose, isneginf, isposinf,
    isreal, lcm, ldexp, left_shift, logaddexp, logaddexp2, nan_to_num, nextafter, rad2deg, real, right_shift,
    signbit, sinc, trunc,
)
from tkeras.ops.reductions import (  # noqa: F401
    average, bincount, count_nonzero, digitize, histogram, median, nanargmax, nanargmin, nancumprod,
    nancumsum, nanmax, nanmean, nanmedian, nanmin, nanpercentile, nanprod, nanquantile, nanstd, nansum,
    nanvar, percentile, ptp, quantile, searchsorted, trapezoid,
)
from tkeras.ops.array_ops import (  # noqa: F401
    append, argpartition, array, array_split, bartlett, blackman, corrcoef, correlate, cross, diag, diagflat,
    diagonal, diff, dsplit, dstack, empty, empty_like, fliplr, flipud, geomspace, get_item, hamming, hanning,
    hsplit, hstack, identity, inner, isin, kaiser, kron, logspace, meshgrid, moveaxis, nonzero, outer, ravel,
    roll, rot90, select, swapaxes, take_along_axis, trace, tri, tril, triu, unique, unravel_index, vander,
    vdot, view, vsplit, vstack,
)
from tkeras.ops.control_flow import (  # noqa: F401
    vectorize,
)
from tkeras.ops.linalg import (  # noqa: F401
    slogdet,
)
