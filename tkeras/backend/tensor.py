"""What a user gets back from `layer(x)` / `model(x)` outside the training loop.

Results reaching user code are viewed as `EagerTensor` (TensorFlow-style printing, `.numpy()` even
with gradient history, f-string formatting, NumPy operands). The view shares storage and autograd
history and costs about a microsecond; fit/evaluate/predict never call this, so training pays nothing.
"""
import torch

from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.eager_tensor import wrap, wrap_structure


def wrap_eager_output(outputs):
    if type(outputs) is torch.Tensor:
        return wrap(outputs)
    return wrap_structure(outputs)


def at_user_level():
    """Whether a result is going straight to user code: not inside a layer call, a training step or one of
    the loops (which work on plain tensors)."""
    return CALL_CONTEXT.depth == 0 and not CALL_CONTEXT.training and not CALL_CONTEXT.raw


def for_user_code(outputs):
    """`outputs` as EagerTensors when they go straight to user code (`loss_fn(y, p)`, `metric.result()` in a
    notebook), as they are otherwise."""
    return wrap_eager_output(outputs) if at_user_level() else outputs
