"""Keras 3's elementwise NumPy ops beyond the basic arithmetic of `math_ops` (`arctan2`, `hypot`,
`logaddexp`, bitwise ops, `nan_to_num`, `isclose`, ...), one torch kernel each.

Binary ops share `math_ops.pair`'s promotion (a Python number takes the tensor's dtype; integers meeting
floats become float); unary ops that are only defined on reals turn integer inputs into floatx, as
Keras does.
"""
import torch

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input, pair


def _float_pair(x1, x2):
    a, b = pair(x1, x2)
    if not a.is_floating_point():
        a, b = a.to(torch.get_default_dtype()), b.to(torch.get_default_dtype())
    return a, b


def _integer_input(op, name, x):
    x = tensor(x)
    if x.is_floating_point() or x.is_complex():
        raise TypeError(f"{op}: argument {name!r} must be an integer or bool tensor, received dtype "
                        f"{str(x.dtype).replace('torch.', '')}")
    return x


def _integer_pair(op, x, y):
    _integer_input(op, "x", x), _integer_input(op, "y", y)
    return pair(x, y)


# -- unary -------------------------------------------------------------------------------------------

def _float_unary(fn, name):
    def op(x):
        return fn(_float_input(x))
    op.__name__ = op.__qualname__ = name
    return user_op(op)


arccosh = _float_unary(torch.acosh, "arccosh")
arcsinh = _float_unary(torch.asinh, "arcsinh")
arctanh = _float_unary(torch.atanh, "arctanh")
cbrt = _float_unary(lambda x: torch.sign(x) * torch.abs(x).pow(1.0 / 3.0), "cbrt")
deg2rad = _float_unary(torch.deg2rad, "deg2rad")
rad2deg = _float_unary(torch.rad2deg, "rad2deg")
exp2 = _float_unary(torch.exp2, "exp2")
sinc = _float_unary(torch.sinc, "sinc")
i0 = _float_unary(torch.special.i0, "i0")
erf = _float_unary(torch.erf, "erf")
erfc = _float_unary(torch.erfc, "erfc")
erfinv = _float_unary(torch.erfinv, "erfinv")
fabs = _float_unary(torch.abs, "fabs")


@user_op
def trunc(x):
    x = tensor(x)
    return torch.trunc(x) if x.is_floating_point() else x.clone()


@user_op
def signbit(x):
    x = tensor(x)
    return torch.signbit(x) if x.dtype != torch.bool else torch.zeros_like(x)


@user_op
def isneginf(x):
    return torch.isneginf(tensor(x))


@user_op
def isposinf(x):
    return torch.isposinf(tensor(x))


@user_op
def isreal(x):
    return torch.isreal(tensor(x))


@user_op
def real(x):
    x = tensor(x)
    return torch.real(x) if x.is_complex() else x


@user_op
def imag(x):
    x = tensor(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


@user_op
def conj(x):
    x = tensor(x)
    return torch.conj_physical(x) if x.is_complex() else x


conjugate = conj


@user_op
def angle(x):
    """For real input atan2(0, x), as NumPy: pi for -0.0 and negatives (torch.angle gives 0 for -0.0)."""
    x = _float_input(x)
    return torch.angle(x) if x.is_complex() else torch.atan2(torch.zeros_like(x), x)


@user_op
def copy(x):
    return tensor(x).clone()


@user_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = tensor(x)
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) if x.is_floating_point() else x


# -- binary ------------------------------------------------------------------------------------------

def _float_binary(fn, name):
    def op(x1, x2):
        return fn(*_float_pair(x1, x2))
    op.__name__ = op.__qualname__ = name
    return user_op(op)


arctan2 = _float_binary(torch.atan2, "arctan2")
hypot = _float_binary(torch.hypot, "hypot")
logaddexp = _float_binary(torch.logaddexp, "logaddexp")
logaddexp2 = _float_binary(torch.logaddexp2, "logaddexp2")
nextafter = _float_binary(torch.nextafter, "nextafter")
heaviside = _float_binary(lambda x1, x2: torch.where(torch.isnan(x1), x1, torch.heaviside(x1, x2)),
                          "heaviside")  # NaN stays NaN, as NumPy (torch gives 0 or x2)


def _same_dtype_binary(fn, name):
    def op(x1, x2):
        return fn(*pair(x1, x2))
    op.__name__ = op.__qualname__ = name
    return user_op(op)


fmax = _same_dtype_binary(torch.fmax, "fmax")
fmin = _same_dtype_binary(torch.fmin, "fmin")
fmod = _same_dtype_binary(lambda a, b: torch.fmod(*((a.int(), b.int()) if a.dtype == torch.bool else (a, b))),
                          "fmod")  # two bools: int32, as Keras (torch has no bool fmod)


@user_op
def divide_no_nan(x1, x2):
    """x1 / x2, and 0 wherever x2 is 0 (the gradient stays finite there too)."""
    a, b = _float_pair(x1, x2)
    zero = b == 0
    return torch.where(zero, torch.zeros_like(a * b), a / torch.where(zero, torch.ones_like(b), b))


@user_op
def ldexp(x1, x2):
    x2 = tensor(x2)
    if x2.is_floating_point():
        raise TypeError(f"ldexp: argument 'x2' must be an integer tensor, received dtype "
                        f"{str(x2.dtype).replace('torch.', '')}")
    x1 = _float_input(x1)
    return torch.ldexp(x1, x2.to(x1.device))


@user_op
def gcd(x1, x2):
    return torch.gcd(*_integer_pair("gcd", x1, x2))


@user_op
def lcm(x1, x2):
    return torch.lcm(*_integer_pair("lcm", x1, x2))


@user_op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = pair(x1, x2)
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


@user_op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = pair(x1, x2)
    return torch.all(torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


# -- bitwise -----------------------------------------------------------------------------------------

def _bitwise(fn, name):
    def op(x, y):
        return fn(*_integer_pair(name, x, y))
    op.__name__ = op.__qualname__ = name
    return user_op(op)


bitwise_and = _bitwise(torch.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(torch.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(torch.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(torch.bitwise_left_shift, "bitwise_left_shift")
bitwise_right_shift = _bitwise(torch.bitwise_right_shift, "bitwise_right_shift")
left_shift, right_shift = bitwise_left_shift, bitwise_right_shift


@user_op
def bitwise_invert(x):
    return torch.bitwise_not(_integer_input("bitwise_invert", "x", x))


bitwise_not = bitwise_invert


# -- polar / complex ---------------------------------------------------------------------------------

@user_op
def polar(abs_, angle):
    magnitude, phase = _float_pair(abs_, angle)
    return torch.polar(magnitude, phase)


@user_op
def view_as_complex(x):
    x = _float_input(x)
    if x.shape[-1:] != (2,):
        raise ValueError(f"view_as_complex: the last axis of 'x' must have size 2 (real, imaginary), received "
                         f"shape {tuple(x.shape)}")
    return torch.view_as_complex(x.contiguous())


@user_op
def view_as_real(x):
    x = tensor(x)
    if not x.is_complex():
        raise TypeError(f"view_as_real: 'x' must be complex, received dtype {str(x.dtype).replace('torch.', '')}")
    return torch.view_as_real(x)
