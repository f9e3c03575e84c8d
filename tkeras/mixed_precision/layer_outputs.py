"""A mixed layer's outputs in its compute dtype, as Keras hands them out.

Keras casts a mixed layer's float inputs and weights to float16/bfloat16, so every op of its call
runs in half precision and the result is half precision too, BatchNormalization, softmax, pooling and
merging included. tkeras runs the call under torch.autocast instead, which upcasts reductions,
normalizations and softmax to float32 and leaves elementwise ops in whatever dtype their inputs have:
the same layer would hand a float32 tensor to the next one (and to the user), doubling the memory of
the activations the mixed policy was meant to halve. Casting a float32 result down after the call
gives the dtype Keras reports while torch still computes the sensitive part in float32.

Only float32 results are cast: integer ids, float64 and tensors already in half precision pass.
Models are left alone (their outputs are their last layers', a `dtype='float32'` head included), as
are layers that already return what they mean to (`autocast=False` ones, CategoryEncoding, which
Keras encodes in the variable dtype).
"""
import torch

_HALF = {"float16": torch.float16, "bfloat16": torch.bfloat16}
# Bookkeeping a call may attach to its result (fused-loss logits, a mask set inside `call`).
_CARRIED = ("_keras_logits", "_keras_activation", "_keras_mask")


def output_dtype(layer):
    """The torch dtype `layer`'s float32 outputs are cast to, or None to leave them."""
    policy = layer._dtype_policy
    if not policy.is_mixed or not layer._outputs_in_compute_dtype or not layer.__dict__.get("_autocast", True):
        return None
    return _HALF.get(policy.compute_dtype)


def cast_outputs(outputs, dtype):
    if isinstance(outputs, torch.Tensor):
        return _cast(outputs, dtype)
    if isinstance(outputs, (list, tuple)):
        cast = [cast_outputs(o, dtype) for o in outputs]
        return type(outputs)(*cast) if hasattr(outputs, "_fields") else type(outputs)(cast)
    if isinstance(outputs, dict):
        return type(outputs)((k, cast_outputs(v, dtype)) for k, v in outputs.items())
    return outputs


def _cast(tensor, dtype):
    if tensor.dtype is not torch.float32:
        return tensor
    result = tensor.to(dtype)
    for name in _CARRIED:
        extra = getattr(tensor, name, None)
        if extra is not None:
            setattr(result, name, extra)
    return result
