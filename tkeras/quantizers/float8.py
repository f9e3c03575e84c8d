"""float8 training helpers (Keras' `compute_float8_scale`, `compute_float8_amax_history`,
`quantize_and_dequantize`) and TensorFlow's fake quantization.

A float8 tensor is stored as x / scale; the scale is chosen from the largest recent magnitude (amax) so
that amax lands `2**margin` below the format's largest finite value. Keras keeps the reciprocal
convention of NVIDIA's Transformer Engine: `scale` here is what x is divided by.
"""
import torch

from tkeras.backend import config
from tkeras.ops.core import for_user, tensor

_FLOAT8 = {"float8_e4m3fn": torch.float8_e4m3fn, "float8_e5m2": torch.float8_e5m2}


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The new scale amax * 2**margin / dtype_max; where amax is 0 or not finite the old scale stays."""
    amax, scale = tensor(amax), tensor(scale)
    factor = dtype_max / amax / 2 ** margin
    factor = torch.where((amax > 0) & torch.isfinite(amax), factor, 1.0 / scale)
    return for_user(1.0 / factor)


def compute_float8_amax_history(x, amax_history):
    """The history shifted one step (oldest dropped) with max|x| written at position 0."""
    x, history = tensor(x), tensor(amax_history)
    rolled = torch.roll(history, shifts=-1, dims=0).clone()
    rolled[0] = torch.amax(torch.abs(x)).to(history.dtype)
    return for_user(rolled)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """x / scale clipped to the float8 range, rounded to `quantized_dtype`, and scaled back."""
    if quantized_dtype not in _FLOAT8:
        raise ValueError(f"quantize_and_dequantize: quantized_dtype must be one of {sorted(_FLOAT8)}; received "
                         f"{quantized_dtype!r}")
    target, compute = _FLOAT8[quantized_dtype], config.standardize_dtype(compute_dtype)
    largest = torch.finfo(target).max
    x = tensor(inputs).to(compute) / tensor(scale).to(compute)
    x = torch.clamp(x, -largest, largest).to(target)
    return for_user(x.to(compute) * tensor(scale).to(compute))


class _FakeQuant(torch.autograd.Function):
    """Straight-through gradient: x passes it where it was inside [min, max]; the clipped part goes to
    the bound it was clipped to (summed over all axes but `axis`)."""

    @staticmethod
    def forward(ctx, x, low, high, num_bits, narrow_range, axis):
        compute = torch.promote_types(low.dtype, torch.float32)
        low_c, high_c = low.to(compute), high.to(compute)
        if axis is not None:  # per-channel bounds broadcast along `axis`
            shape = [1] * x.ndim
            shape[axis] = -1
            low_c, high_c = low_c.reshape(shape), high_c.reshape(shape)
        quant_max, quant_min = (1 << num_bits) - 1, 1 if narrow_range else 0
        scale = (high_c - low_c) / (quant_max - quant_min)
        inverse = (quant_max - quant_min) / (high_c - low_c)
        zero = torch.round(torch.clamp(quant_min - low_c / scale, quant_min, quant_max))
        nudged_low, nudged_high = (quant_min - zero) * scale, (quant_max - zero) * scale
        quant_zero = torch.floor(-nudged_low * inverse + 0.5)
        clamped = torch.minimum(torch.maximum(x.to(compute), nudged_low), nudged_high)
        result = torch.floor((clamped - nudged_low) * inverse - quant_zero + 0.5) * scale
        ctx.save_for_backward(x, nudged_low, nudged_high)
        ctx.axis, ctx.low_shape, ctx.high_shape = axis, low.shape, high.shape
        return result.to(x.dtype)

    @staticmethod
    def backward(ctx, upstream):
        x, nudged_low, nudged_high = ctx.saved_tensors
        zero = torch.zeros_like(upstream)
        inside = (x >= nudged_low) & (x <= nudged_high)
        below, above = torch.where(x <= nudged_low, upstream, zero), torch.where(x >= nudged_high, upstream, zero)
        if ctx.axis is None:
            grad_low, grad_high = below.sum(), above.sum()
        else:
            axes = [d for d in range(x.ndim) if d != ctx.axis]
            grad_low, grad_high = below.sum(dim=axes), above.sum(dim=axes)
        return (torch.where(inside, upstream, zero), grad_low.reshape(ctx.low_shape),
                grad_high.reshape(ctx.high_shape), None, None, None)


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Quantize to `num_bits` over [min_vals, max_vals] (nudged so 0 is exact) and dequantize; per
    channel along `axis` when the bounds are vectors. Gradients reach inputs, min_vals and max_vals."""
    x = tensor(inputs)
    if axis is not None:
        axis = axis % x.ndim
    low, high = tensor(min_vals), tensor(max_vals)
    return for_user(_FakeQuant.apply(x, low, high, int(num_bits), bool(narrow_range), axis))
