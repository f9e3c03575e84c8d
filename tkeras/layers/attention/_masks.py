"""Mask arithmetic shared by the attention layers (boolean masks: True = may attend)."""
import torch


def as_bool(mask, device=None):
    """A Keras mask (bool, 0/1 numbers, NumPy or a list) as a boolean tensor."""
    if mask is None:
        return None
    if not isinstance(mask, torch.Tensor):
        mask = torch.as_tensor(mask)
    if mask.dtype != torch.bool:
        # Keras keeps positions whose mask is True or above 0.5.
        mask = mask > 0.5 if mask.is_floating_point() else mask != 0
    return mask if device is None else mask.to(device)


def causal(q_len, k_len, device):
    """(q_len, k_len): query step i sees key steps j <= i (top-left aligned, as Keras and torch)."""
    return torch.ones(q_len, k_len, dtype=torch.bool, device=device).tril()


def band(q_len, k_len, width, device):
    """(q_len, k_len): query step i sees key steps j with |i - j| < width (a sliding window)."""
    rows = torch.arange(q_len, device=device).unsqueeze(1)
    cols = torch.arange(k_len, device=device).unsqueeze(0)
    return (rows - cols).abs() < width


def both(a, b):
    """Logical AND of two optional masks (broadcasting)."""
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def large_negative(dtype):
    """What masked scores are pushed to: far below any real score, yet finite in `dtype` (a fully
    masked row then softmaxes to numbers, not NaN)."""
    return -3e4 if dtype == torch.float16 else -1e9
