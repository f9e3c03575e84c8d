"""What a layer's `__call__` does to the inputs it is handed before `call` sees them.

User code passes NumPy arrays, nested lists, host tensors and symbolic KerasTensors to the same
`layer(x)`; this module sorts them out (symbolic -> graph building, everything numeric -> a torch
tensor on the compute device in the layer's dtype) so that `Layer.__call__` stays a short hot path.
"""
import numpy as np
import torch

from tkeras.backend import config


def is_symbolic(value):
    from tkeras.backend.keras_tensor import KerasTensor
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, KerasTensor) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, KerasTensor) for v in value.values())
    return isinstance(value, KerasTensor)


def on_compute_device(value, float_dtype=None):
    """`value` (a tensor, or a list/tuple/dict of them) on tkeras' compute device, its floating tensors
    in `float_dtype` when given (a user's float64 tensor meets float32 weights: Keras casts inputs to
    the layer's compute dtype); others untouched."""
    if isinstance(value, torch.Tensor):
        device = config.device()
        cast = float_dtype is not None and value.is_floating_point() and value.dtype != float_dtype
        if value.device.type == device.type and not cast:
            return value
        moved = value.to(device, dtype=float_dtype if cast else None)
        mask = getattr(value, "_keras_mask", None)
        if mask is not None:
            moved._keras_mask = mask.to(device)
        return moved
    if isinstance(value, (list, tuple)):
        return type(value)(on_compute_device(v, float_dtype) for v in value) if type(value) in (list, tuple) else value
    if isinstance(value, dict):
        return {k: on_compute_device(v, float_dtype) for k, v in value.items()}
    return value


def integers_to_float(value, float_dtype):
    """`value` with its integer and bool tensors in `float_dtype`, masks kept (see
    `Layer._casts_integer_inputs`); float tensors and anything else untouched."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point() or value.is_complex():
            return value
        cast = value.to(float_dtype)
        mask = value.__dict__.get("_keras_mask")
        if mask is not None:
            cast._keras_mask = mask
        return cast
    if type(value) in (list, tuple):
        return type(value)(integers_to_float(v, float_dtype) for v in value)
    if isinstance(value, dict):
        return {k: integers_to_float(v, float_dtype) for k, v in value.items()}
    return value


def to_torch(value, dtype=None, owner=None):
    """User input (NumPy, list, number, tensor) -> a torch tensor on the compute device.

    Floats become the layer's float dtype (float64 NumPy arrays are the common case); integers stay
    integers so that Embedding gets indices.
    """
    if isinstance(value, torch.Tensor):
        tensor = value
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], torch.Tensor):
        return [to_torch(v, dtype, owner) for v in value]
    else:
        array = np.asarray(value)
        if array.dtype == object or array.dtype.kind in "USV":
            where = f"Layer {owner!r}: e" if owner else "E"
            raise TypeError(
                f"{where}xpected numeric data, received an array of dtype {array.dtype} (e.g. strings or "
                f"ragged lists); convert it to numbers first, e.g. with Tokenizer and pad_sequences")
        tensor = torch.from_numpy(np.require(array, requirements="C")) if array.dtype != np.uint16 else torch.as_tensor(array.astype(np.int32))  # 0-d stays 0-d
    if tensor.is_floating_point():
        target = config.standardize_dtype(dtype)
        if tensor.dtype != target and target.is_floating_point:
            tensor = tensor.to(target)
    elif tensor.dtype == torch.bool and dtype is not None:
        tensor = tensor.to(config.standardize_dtype(dtype))
    device = config.device()
    if tensor.device != device:
        tensor = tensor.to(device)
    return tensor


def shape_of(value):
    """The shape Keras passes to build(): a tuple with the batch dimension set to None."""
    if isinstance(value, (list, tuple)):
        return [shape_of(v) for v in value]
    if isinstance(value, dict):
        return {k: shape_of(v) for k, v in value.items()}
    shape = tuple(value.shape)
    return (None,) + tuple(int(d) if d is not None else None for d in shape[1:]) if shape else ()


def is_text(value):
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO"
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (str, bytes))


def is_nested_numbers(value):
    """`[[1., 2.]]` is one input written as a list; `[x1, x2]` (arrays) is several inputs."""
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (int, float, np.number, bool))


def mask_of(inputs):
    if isinstance(inputs, torch.Tensor):
        return inputs.__dict__.get("_keras_mask")
    if isinstance(inputs, (list, tuple)):
        masks = [mask_of(v) for v in inputs]
        return None if all(m is None for m in masks) else masks
    return None
