"""The dtype normalization layers take their statistics in.

Half-precision squares overflow (float16 past 256) and small variances vanish, so means and variances
of float16/bfloat16 inputs are computed in float32 and the result is cast back; integer inputs are
normalized as the layer's float dtype.
"""
import torch

from tkeras.backend import config

LOW_PRECISION = (torch.float16, torch.bfloat16)


def for_statistics(inputs, float_dtype):
    """`inputs` in the dtype to normalize in: float32 for half precision, `float_dtype` for integers."""
    if inputs.dtype in LOW_PRECISION:
        return inputs.float()
    return inputs if inputs.is_floating_point() else inputs.to(float_dtype)


def back_to_input_dtype(outputs, inputs):
    return outputs.to(inputs.dtype) if inputs.dtype in LOW_PRECISION else outputs


def to_compute_dtype(outputs, layer):
    """`outputs` in the layer's compute dtype: how a layer built with `autocast=False` hands out its
    result (float16 under mixed_float16, float32 for half-precision inputs to a float32 layer)."""
    dtype = config.standardize_dtype(layer.compute_dtype)
    return outputs if outputs.dtype == dtype else outputs.to(dtype)
