"""What a user gets back from `layer(x)` / `model(x)` outside the training loop.

Results reaching user code are viewed as `EagerTensor` (TensorFlow-style printing, `.numpy()` even
with gradient history, f-string formatting, NumPy operands). The view shares storage and autograd
history and costs about a microsecond; fit/evaluate/predict never call this, so training pays nothing.
"""
import torch

from tkeras.backend.eager_tensor import wrap, wrap_structure


def wrap_eager_output(outputs):
    if type(outputs) is torch.Tensor:
        return wrap(outputs)
    return wrap_structure(outputs)
