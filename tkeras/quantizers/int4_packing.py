"""Two int4 values per byte, as Keras stores int4 kernels.

Along the packing axis, element 2k goes to the low nibble and element 2k+1 to the high nibble of
output element k; an odd length is padded with one zero. Signed nibbles use two's complement, so a
nibble n in [8, 15] reads back as n - 16.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import for_user, tensor

_PACKED_DTYPES = ("int8", "uint8")


def _check_dtype(function, dtype):
    if dtype not in _PACKED_DTYPES:
        raise ValueError(f"{function}: dtype must be 'int8' or 'uint8'; received dtype={dtype!r}")


def pack_int4(arr, axis=0, dtype="int8"):
    """(packed tensor, its shape, the original length of `axis`) for int4 values held in `dtype`."""
    _check_dtype("pack_int4", dtype)
    values = tensor(arr)
    got = config.dtype_name(values.dtype)
    if got != dtype:
        raise TypeError(f"pack_int4: expected a {dtype} tensor of int4 values; received dtype {got}")
    array = np.moveaxis(values.detach().cpu().numpy(), axis, 0)
    length = array.shape[0]
    if length % 2:
        array = np.concatenate([array, np.zeros((1,) + array.shape[1:], array.dtype)])
    unsigned = array.astype(np.uint8) & 0x0F  # two's complement nibbles
    packed = (unsigned[0::2] | (unsigned[1::2] << 4)).astype(np.uint8).view(np.dtype(dtype))
    packed = np.moveaxis(packed, 0, axis % values.ndim)
    return for_user(tensor(np.ascontiguousarray(packed))), tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """The int4 values `pack_int4` packed, as `dtype` ([-8, 7] for int8, [0, 15] for uint8)."""
    _check_dtype("unpack_int4", dtype)
    values = tensor(packed)
    if values.dtype not in (torch.int8, torch.uint8):
        raise TypeError(f"unpack_int4: expected an int8 or uint8 packed tensor; received dtype "
                        f"{config.dtype_name(values.dtype)}")
    axis = axis % values.ndim
    front = torch.movedim(values, axis, 0).to(torch.int16) & 0xFF  # the bytes as 0..255
    low, high = front & 0x0F, (front >> 4) & 0x0F
    if dtype == "int8":
        low, high = (low ^ 8) - 8, (high ^ 8) - 8
    interleaved = torch.stack([low, high], dim=1).reshape((-1,) + tuple(front.shape[1:]))[:orig_len]
    return for_user(torch.movedim(interleaved, 0, axis).to(config.standardize_dtype(dtype)))
