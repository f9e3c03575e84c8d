"""`tf.math`: elementwise math, reductions and comparisons."""
from tkeras.compat.tf_namespace._functions import (  # noqa: F401
    angle, argmax, argmin, confusion_matrix, conj, count_nonzero, divide_no_nan, imag, in_top_k, log_sigmoid, real,
)
# These also take RaggedTensors, as TensorFlow's ragged dispatch does (see _ragged_dispatch.py).
from tkeras.compat.tf_namespace._ragged_dispatch import (  # noqa: F401
    abs, add, ceil, cos, cosh, divide, equal, exp, expm1, floor, floor_divide, greater, greater_equal,
    isfinite as is_finite, isinf as is_inf, isnan as is_nan, less, less_equal, log, log1p, logical_and, logical_not,
    logical_or, logical_xor, maximum, minimum, mod, multiply, negative, not_equal, pow, reciprocal, reduce_all,
    reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum,
    reduce_variance, round, rsqrt, sigmoid, sign, sin, sinh, softplus, sqrt, square, squared_difference, subtract,
    tan, tanh, true_divide as truediv,
)
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.math_ops import arccos as acos, arcsin as asin, arctan as atan  # noqa: F401
from tkeras.ops.nn import l2_normalize  # noqa: F401
from tkeras.compat.tf_namespace._functions import top_k  # noqa: F401

from tkeras.compat.tf_namespace._math_extra import (  # noqa: F401, E402
    accumulate_n, acosh, add_n, asinh, atan2, atanh, bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, bincount,
    cumprod, cumsum, cumulative_logsumexp, digamma, erf, erfc, erfcinv, erfinv, igamma, igammac, invert_permutation,
    is_non_decreasing, is_strictly_increasing, lbeta, lgamma, multiply_no_nan, ndtri, nextafter, polygamma, polyval,
    reciprocal_no_nan, reduce_euclidean_norm, rint, scalar_mul, segment_max, segment_mean, segment_min, segment_prod,
    segment_sum, unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min, unsorted_segment_prod,
    unsorted_segment_sqrt_n, unsorted_segment_sum, xdivy, xlog1py, xlogy, zero_fraction, zeta,
)
from tkeras.compat.tf_namespace import _math_extra as _extra  # noqa: E402
from tkeras.compat.tf_namespace._unsupported import Namespace as _Namespace  # noqa: E402
from tkeras.compat.tf_namespace.nn import log_softmax, softmax, softsign  # noqa: F401, E402

special = _Namespace("tf.math.special", **{name: getattr(_extra, name) for name in (
    "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
    "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e")})
floordiv = floor_divide
floormod = mod

__getattr__ = module_getattr("tf.math")
