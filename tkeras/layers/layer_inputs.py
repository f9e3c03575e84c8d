"""What a layer's `__call__` does to the inputs it is handed before `call` sees them.

User code passes NumPy arrays, nested lists, host tensors and symbolic KerasTensors to the same
`layer(x)`; this module sorts them out (symbolic -> graph building, everything numeric -> a torch
tensor on the compute device in the layer's dtype) so that `Layer.__call__` stays a short hot path.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.mixed_precision import policy as _precision


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


def float_input_dtype(layer):
    """The float dtype `layer` takes floating inputs in (None: it takes them as they come).

    Normally the layer's own float dtype. A model whose `Input`s declare their dtypes records its choice
    in `_declared_float` (see `declare_float_input`), which survives a later change of policy.
    """
    declared = layer.__dict__
    if "_declared_float" in declared:
        return declared["_declared_float"]
    variable_dtype = layer._dtype_policy.variable_dtype
    if variable_dtype == "string":
        return None
    dtype = config.standardize_dtype(variable_dtype)
    return dtype if dtype.is_floating_point else None


def declare_float_input(model, dtype):
    """Have `model` take float data in `dtype` (None: leave it to the model's input conformers).

    A functional model converts each input to its own `Input`'s dtype, so it must not first round a
    float64 array to its own float32; a Sequential starting with a float64/float16 Input takes floats
    in that dtype, not in the model's.
    """
    model.__dict__["_declared_float"] = dtype
    model.__dict__["_float_input_dtype"] = dtype


def conversion_dtype(layer):
    """The dtype NumPy/list data handed to `layer` becomes (None: floats and bools kept as they are)."""
    declared = layer.__dict__
    return declared["_declared_float"] if "_declared_float" in declared else layer.dtype


def autocast_inputs(layer, inputs):
    """`inputs` of an inner call (one layer inside another's `call`) with their floating tensors in the
    layer's float dtype.

    Keras casts every autocasting layer's float inputs at each call, not just at the model's entrance:
    a float64 `Input` feeding a float32 Dense, or a float32 tensor reaching a `dtype='float64'` layer,
    meets weights of the same dtype. `Layer.__call__` calls this only once the cheap dtype test has
    failed, so a float32 stack pays nothing more. Under mixed precision torch.autocast already picks the
    arithmetic dtype of a mixed layer, and of a layer without a dtype of its own inside an autocast
    region, so those inputs are left to it, as they were; only float64, which autocast passes by, is
    brought down to the mixed layer's compute dtype as Keras would.
    """
    target = layer._float_input_dtype
    if target is None or not layer.__dict__.get("_autocast", True):
        return inputs
    only_double = False
    if _precision.mixed_in_use():
        policy = layer._dtype_policy
        if policy.is_mixed:
            target, only_double = config.standardize_dtype(policy.compute_dtype), True
        elif not layer._precision_explicit and torch.is_autocast_enabled(config.device().type):
            return inputs
    if isinstance(inputs, torch.Tensor):
        return _cast_float(inputs, target, only_double)
    if type(inputs) in (list, tuple):
        if all(not isinstance(v, torch.Tensor) or v.dtype is target or not v.is_floating_point() for v in inputs):
            return inputs
        return type(inputs)(_cast_float(v, target, only_double) if isinstance(v, torch.Tensor) else v
                            for v in inputs)
    if isinstance(inputs, dict):
        return {k: autocast_inputs(layer, v) if isinstance(v, torch.Tensor) else v for k, v in inputs.items()}
    return inputs


def _cast_float(tensor, dtype, only_double=False):
    if tensor.dtype is dtype or not tensor.is_floating_point() or (only_double and tensor.dtype is not torch.float64):
        return tensor
    cast = tensor.to(dtype)
    mask = tensor.__dict__.get("_keras_mask")
    if mask is not None:
        cast._keras_mask = mask
    return cast


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
    integers so that Embedding gets indices. `dtype=None` keeps floats and bools as they are, for a
    model whose input conformers give each input its `Input`'s dtype.
    """
    if isinstance(value, torch.Tensor):
        tensor = value
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], torch.Tensor):
        return [to_torch(v, dtype, owner) for v in value]
    elif not isinstance(value, np.ndarray) and is_ragged(value):
        return ragged_as_padded(value, dtype, owner)
    else:
        array = np.asarray(value)
        if array.dtype == object or array.dtype.kind in "USV":
            where = f"Layer {owner!r}: e" if owner else "E"
            raise TypeError(
                f"{where}xpected numeric data, received an array of dtype {array.dtype} (e.g. strings or "
                f"ragged lists); convert it to numbers first, e.g. with Tokenizer and pad_sequences")
        # (0-d stays 0-d; uint16, which torch's CPU kernels mostly lack, becomes int32; a read-only array,
        # as pandas hands out under copy-on-write (`layer(dataframe)`), is copied: torch warns on those)
        tensor = torch.from_numpy(np.require(array, requirements="CW")) if array.dtype != np.uint16 \
            else torch.as_tensor(array.astype(np.int32))
    if dtype is not None and tensor.is_floating_point():
        target = config.standardize_dtype(dtype)
        if tensor.dtype != target and target.is_floating_point:
            tensor = tensor.to(target)
    elif dtype is not None and tensor.dtype == torch.bool:
        tensor = tensor.to(config.standardize_dtype(dtype))
    device = config.device()
    if tensor.device != device:
        tensor = tensor.to(device)
    return tensor


def is_ragged(value):
    """A tf.RaggedTensor (duck-typed: compat/ sits above layers)."""
    return hasattr(value, "row_splits") and hasattr(value, "flat_values") and hasattr(value, "to_tensor")


def ragged_as_padded(value, dtype=None, owner=None):
    """A tf.RaggedTensor given to a layer or model: its rows padded with zeros to the longest, the padding
    marked by a mask made from the row lengths (`_from_ragged_rows` on it holds the RaggedTensor type).

    tf-keras 2 pads ragged inputs of an RNN the same way and skips each row's padding by its length; the mask
    is taken from the lengths, not from zeros, since 0 is an ordinary token there (Embedding has
    `mask_zero=False`, and passes such a mask on: see Embedding.compute_mask). A padded batch of the
    batch's longest row gives the same results as TensorFlow's ragged batch for every masked layer; an
    eager call's output that still carries that mask goes back to ragged rows (see `ragged_output`).
    """
    padded = np.asarray(value.to_tensor())
    if padded.dtype.kind in "USO":
        where = f"Layer {owner!r}: e" if owner else "E"
        raise TypeError(f"{where}xpected numeric data, received a RaggedTensor of text; turn the text into "
                        f"numbers first (StringLookup, TextVectorization)")
    lengths = torch.as_tensor(np.asarray(value.row_lengths()), dtype=torch.int64)
    tensor = to_torch(torch.from_numpy(np.require(padded, requirements="CW")), dtype, owner)
    mask = torch.arange(tensor.shape[1], device=tensor.device) < lengths.to(tensor.device)[:, None]
    mask.__dict__["_from_ragged_rows"] = type(value)
    tensor._keras_mask = mask
    return tensor


def ragged_output(outputs):
    """An eager call's output back in ragged rows where TensorFlow's is ragged: the sequence that ragged
    inputs produced still masked by their row lengths (Embedding, an RNN with return_sequences=True, a
    Dense after them); anything else (an RNN's last state, pooled values) as it is."""
    mask = outputs.__dict__.get("_keras_mask")
    ragged_type = mask.__dict__.get("_from_ragged_rows") if isinstance(mask, torch.Tensor) else None
    if ragged_type is None or tuple(mask.shape) != tuple(outputs.shape[:2]):
        return outputs
    return ragged_type.from_row_lengths(outputs[mask], mask.sum(1))


def shape_of(value):
    """The shape Keras passes to build(): a tuple with the batch dimension set to None."""
    if isinstance(value, (list, tuple)) and not (is_text(value) or is_nested_numbers(value)):
        return [shape_of(v) for v in value]
    if isinstance(value, dict):
        return {k: shape_of(v) for k, v in value.items()}
    shape = tuple(value.shape) if hasattr(value, "shape") else _nested_list_shape(value)
    return (None,) + tuple(int(d) if d is not None else None for d in shape[1:]) if shape else ()


def _nested_list_shape(value):
    """Raw text or numbers written as nested Python lists (`{"ocean_proximity": [["NEAR OCEAN"], ...]}`
    given to DenseFeatures) have the shape of the array they spell; ragged rows leave those axes unknown."""
    shape = []
    level = [value]
    while level and all(isinstance(v, (list, tuple)) for v in level):
        sizes = {len(v) for v in level}
        shape.append(sizes.pop() if len(sizes) == 1 else None)
        level = [item for v in level for item in v]
    return tuple(shape)


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
