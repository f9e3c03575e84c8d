"""Turning what users pass to a loss or metric (arrays, lists, tensors) into aligned torch tensors.

Model outputs carry bookkeeping attributes (`_keras_logits`, `_keras_activation`, `_keras_mask`);
any reshape or cast made here carries them over, because losing `_keras_logits` would silently
send a saturated sigmoid output down the clipped-probability path.

Arrays converted at user level (a notebook calling `keras.losses.mse(y, p)` on NumPy data) become
EagerTensors, so the loss a function returns prints as a tf.Tensor and `np.mean(loss)` works, as in
TensorFlow; inside fit/evaluate and layer calls they stay plain torch tensors.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.tensor import for_user_code

_CARRIED = ("_keras_logits", "_keras_activation", "_keras_mask")


def as_tensor(value, dtype=None, device=None, keep_float64=False):
    """A torch tensor on `device`; NumPy float64 arrays become floatx, as Keras converts them (Python
    lists of floats always do; a float64 NumPy array stays float64 with `keep_float64`)."""
    if isinstance(value, torch.Tensor):
        tensor = value
    elif isinstance(value, (list, tuple)) and _holds_tensors(value):
        tensor = _stacked(value)
    else:
        keep = keep_float64 and isinstance(value, (np.ndarray, np.floating))
        array = np.asarray(value)
        tensor = torch.as_tensor(array)
        if dtype is None and tensor.dtype == torch.float64 and not keep:
            tensor = tensor.to(config.standardize_dtype(None))
        tensor = for_user_code(tensor)
    if device is not None and tensor.device != device:
        tensor = tensor.to(device, non_blocking=True)
    if dtype is not None and tensor.dtype != dtype:
        tensor = carry(tensor, tensor.to(dtype), lambda t: t.to(dtype) if t.is_floating_point() else t)
    return tensor


def _holds_tensors(values):
    return any(isinstance(each, torch.Tensor) or (isinstance(each, (list, tuple)) and _holds_tensors(each))
               for each in values)


def _stacked(values):
    """A list of tensors packed along a new first axis, as TensorFlow converts it (a GAN's
    `accuracy.update_state([real_labels, fake_labels], [real_pred, fake_pred])`). NumPy would try to
    copy each tensor out, which fails on ones that carry gradients, and would cut the gradient off."""
    parts = [as_tensor(each) for each in values]
    dtype = parts[0].dtype
    for part in parts[1:]:
        dtype = torch.promote_types(dtype, part.dtype)
    device = parts[0].device
    return torch.stack([part.to(device=device, dtype=dtype) for part in parts])


def as_float(value, device=None, keep_float64=False):
    """Predictions and float-like labels: kept in their float dtype, integers/bools cast to floatx."""
    tensor = as_tensor(value, device=device, keep_float64=keep_float64)
    if not tensor.is_floating_point():
        tensor = tensor.to(config.standardize_dtype(None))
    return tensor


def as_prediction(value):
    """`y_pred` of a loss function called directly: a float64 NumPy array keeps float64, as in tf-keras 2
    and Keras 3 (`keras.losses.mse(a, b)` on two float64 arrays prints a float64 value), and the targets
    follow it (`true_like`). The Loss classes and metrics cast to their own dtype before calling."""
    return as_float(value, keep_float64=True)


def carry(source, result, transform=None):
    """Copy the Keras bookkeeping of `source` onto `result`; tensors among it go through `transform`."""
    if source is result:
        return result
    attrs = source.__dict__ if isinstance(source, torch.Tensor) else {}
    for attr in _CARRIED:
        extra = attrs.get(attr)
        if extra is None:
            continue
        if attr == "_keras_mask":
            # The mask is per sample/timestep: a reshape of the last (feature) axis leaves it alone.
            setattr(result, attr, extra)
        elif transform is not None and isinstance(extra, torch.Tensor):
            setattr(result, attr, transform(extra))
        else:
            setattr(result, attr, extra)
    return result


def logits_from(y_pred, activation):
    """The pre-activation tensor behind `y_pred` when it came straight out of `activation`, else None."""
    attrs = y_pred.__dict__ if isinstance(y_pred, torch.Tensor) else {}
    if attrs.get("_keras_activation") != activation:
        return None
    logits = attrs.get("_keras_logits")
    if not isinstance(logits, torch.Tensor) or logits.shape != y_pred.shape:
        return None
    return logits if logits.dtype == y_pred.dtype else logits.to(y_pred.dtype)


def mask_of(y_pred):
    return y_pred.__dict__.get("_keras_mask") if isinstance(y_pred, torch.Tensor) else None


def align_ranks(first, second, expand_rank_1=True):
    """Keras' squeeze-or-expand: make ranks equal when they differ by a trailing axis of size 1.

    Without it a (N,) target against a (N, 1) prediction would broadcast to an (N, N) loss.
    """
    first_rank, second_rank = first.dim(), second.dim()
    if first_rank == second_rank + 1 and first.shape[-1] == 1:
        if second_rank == 1 and expand_rank_1:
            second = carry(second, second.unsqueeze(-1), lambda t: t.unsqueeze(-1))
        else:
            first = carry(first, first.squeeze(-1), lambda t: t.squeeze(-1))
    elif second_rank == first_rank + 1 and second.shape[-1] == 1:
        if first_rank == 1 and expand_rank_1:
            first = carry(first, first.unsqueeze(-1), lambda t: t.unsqueeze(-1))
        else:
            second = carry(second, second.squeeze(-1), lambda t: t.squeeze(-1))
    return first, second


def true_like(y_true, y_pred):
    """Targets as a tensor of the prediction's float dtype, on its device."""
    return as_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)
