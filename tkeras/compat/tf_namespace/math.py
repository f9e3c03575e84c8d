"""`tf.math`: elementwise math, reductions and comparisons."""
from tkeras.compat.tf_namespace._functions import (  # noqa: F401
    angle, argmax, argmin, confusion_matrix, conj, count_nonzero, divide_no_nan, imag, in_top_k, log_sigmoid, real,
    reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std,
    reduce_sum, reduce_variance,
)
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.math_ops import (  # noqa: F401
    abs, arccos as acos, arcsin as asin, arctan as atan, add, ceil, cos, cosh, cumprod, cumsum, divide, equal, exp, expm1, floor, floor_divide, greater,
    greater_equal, isfinite as is_finite, isinf as is_inf, isnan as is_nan, less, less_equal, log, log1p,
    logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply, negative, not_equal, pow,
    reciprocal, round, rsqrt, sign, sin, sinh, sqrt, square, squared_difference, subtract, tan, tanh, true_divide as
    truediv,
)
from tkeras.ops.nn import sigmoid, softplus, l2_normalize  # noqa: F401
from tkeras.ops.shape_ops import top_k  # noqa: F401

floordiv = floor_divide
floormod = mod

__getattr__ = module_getattr("tf.math")
