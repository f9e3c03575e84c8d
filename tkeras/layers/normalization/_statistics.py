"""The dtype normalization layers take their statistics in.

Half-precision squares overflow (float16 past 256) and small variances vanish, so means and variances
of float16/bfloat16 inputs are computed in float32 and the result is cast back; integer inputs are
normalized as the layer's float dtype.
"""
import torch

LOW_PRECISION = (torch.float16, torch.bfloat16)


def for_statistics(inputs, float_dtype):
    """`inputs` in the dtype to normalize in: float32 for half precision, `float_dtype` for integers."""
    if inputs.dtype in LOW_PRECISION:
        return inputs.float()
    return inputs if inputs.is_floating_point() else inputs.to(float_dtype)


def back_to_input_dtype(outputs, inputs):
    return outputs.to(inputs.dtype) if inputs.dtype in LOW_PRECISION else outputs
