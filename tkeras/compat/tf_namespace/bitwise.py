"""`tf.bitwise`: integer bit operations; TensorFlow requires both operands to share one integer dtype."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import tensor, user_op


def _pair(op, x, y):
    x, y = tensor(x), tensor(y)
    if x.is_floating_point() or y.is_floating_point() or x.is_complex() or y.is_complex():
        raise TypeError(f"{op}: expected integer tensors, got {x.dtype} and {y.dtype}")
    if x.dtype != y.dtype:
        raise TypeError(f"{op}: both operands must have the same dtype, got {x.dtype} and {y.dtype}")
    return x, y


@user_op
def bitwise_and(x, y, name=None):
    return torch.bitwise_and(*_pair("bitwise_and", x, y))


@user_op
def bitwise_or(x, y, name=None):
    return torch.bitwise_or(*_pair("bitwise_or", x, y))


@user_op
def bitwise_xor(x, y, name=None):
    return torch.bitwise_xor(*_pair("bitwise_xor", x, y))


@user_op
def invert(x, name=None):
    return torch.bitwise_not(tensor(x))


@user_op
def left_shift(x, y, name=None):
    return torch.bitwise_left_shift(*_pair("left_shift", x, y))


@user_op
def right_shift(x, y, name=None):
    # arithmetic for signed types, logical for unsigned: torch's >> does the same
    return torch.bitwise_right_shift(*_pair("right_shift", x, y))


__getattr__ = module_getattr("tf.bitwise")
