"""Keras 3's `keras.device("cpu:0")`: new tensors and variables go to that torch device inside the scope.

tkeras places every tensor it makes on `backend.config.device()`, so the scope swaps that setting and
puts it back on exit. Keras' "gpu" spelling means torch's "cuda".
"""
import contextlib

import torch

from tkeras.backend import config


def _torch_device(device_name):
    if isinstance(device_name, torch.device):
        return device_name
    if not isinstance(device_name, str):
        raise ValueError(f"keras.device: expected a device name such as 'cpu:0' or 'gpu:0'; received {device_name!r}")
    kind, _, index = device_name.lower().partition(":")
    kind = {"gpu": "cuda"}.get(kind, kind)
    try:
        device = torch.device(f"{kind}:{index}" if index else kind)
    except RuntimeError:
        raise ValueError(f"keras.device: unknown device {device_name!r}; expected 'cpu', 'cpu:0', 'gpu:N' or "
                         f"'cuda:N'") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"keras.device({device_name!r}): no CUDA GPU is available in this process")
    return device


@contextlib.contextmanager
def device(device_name):
    """Place new tensors and variables on `device_name` ("cpu:0", "gpu:0", "cuda:1") inside the scope."""
    target = _torch_device(device_name)
    previous = config.device()
    config.set_device(target)
    try:
        yield
    finally:
        config.set_device(previous)
