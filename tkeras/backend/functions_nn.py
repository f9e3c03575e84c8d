"""Keras 2's `K.*` neural-network pieces that custom layers and losses of the tf.keras era call:
batch-normalization arithmetic, the focal crossentropies and `K.dropout`.

`K.normalize_batch_in_training` returns what a hand-written BatchNormalization needs for its moving
statistics (normalized x, batch mean, batch variance); tf-keras' fused path (4-D inputs normalized
per channel) reports the variance with Bessel's correction, as TensorFlow's fused kernel does, while
every other path reports the plain (biased) variance. The normalization itself always uses the biased one.
"""
import torch

from tkeras.backend import config
from tkeras.backend.functions import _t, binary_crossentropy
from tkeras.backend.keras_tensor import record_in_graphs


def _float(x):
    x = _t(x)
    return x if x.is_floating_point() else x.to(config.standardize_dtype(None))


def _normalize(x, mean, var, beta, gamma, epsilon):
    out = (x - mean) * torch.rsqrt(var + epsilon)
    if gamma is not None:
        out = out * gamma
    return out + beta if beta is not None else out


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta; for 4-D x the statistics (any shape holding one
    value per channel) apply along `axis`, otherwise they broadcast as NumPy arrays do."""
    x = _float(x)
    params = [None if p is None else _t(p).to(x.dtype) for p in (mean, var, beta, gamma)]
    if x.dim() == 4 and axis in (1, -3, 3, -1):
        shape = [1] * 4
        shape[axis % 4] = -1
        params = [None if p is None else p.reshape(shape) for p in params]
    mean, var, beta, gamma = params
    return _normalize(x, mean, var, beta, gamma, epsilon)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """(normalized x, mean, variance) over `reduction_axes`; mean and variance have the kept axes only."""
    x = _float(x)
    axes = sorted(int(a) % x.dim() for a in reduction_axes)
    mean = x.mean(dim=axes)
    var = x.var(dim=axes, unbiased=False)
    shape = [1 if axis in axes else x.shape[axis] for axis in range(x.dim())]
    gamma, beta = (None if p is None else _t(p).to(x.dtype).reshape(shape) for p in (gamma, beta))
    normed = _normalize(x, mean.reshape(shape), var.reshape(shape), beta, gamma, epsilon)
    if x.dim() == 4 and axes in ([0, 1, 2], [0, 2, 3]):
        count = x.numel() // mean.numel()
        var = var * count / max(count - 1, 1)
    return normed, mean, var


def binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False):
    """Binary crossentropy weighted by (1 - p_t) ** gamma, optionally by alpha for the positives."""
    target, output = _float(target), _float(output)
    probabilities = torch.sigmoid(output) if from_logits else output
    p_t = target * probabilities + (1 - target) * (1 - probabilities)
    focal = torch.pow(1.0 - p_t, gamma) * binary_crossentropy(target, output, from_logits=from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1 - target) * (1 - alpha)) * focal
    return focal


def categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0, from_logits=False, axis=-1):
    target, output = _float(target), _float(output)
    if target.shape != output.shape:
        raise ValueError(f"K.categorical_focal_crossentropy: 'target' and 'output' must have the same shape, "
                         f"received {tuple(target.shape)} and {tuple(output.shape)}")
    if from_logits:
        output = torch.softmax(output, dim=axis)
    output = output / output.sum(dim=axis, keepdim=True)
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    weight = alpha * torch.pow(1.0 - output, gamma)
    return torch.sum(weight * -target * torch.log(output), dim=axis)


def dropout(x, level, noise_shape=None, seed=None):
    """Zeros each entry with probability `level` and scales the rest by 1 / (1 - level), always (no
    training flag: the caller decides, as in tf-keras)."""
    from tkeras.ops import random
    return random.dropout(_float(x), level, noise_shape, seed)


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "batch_normalization", "binary_focal_crossentropy", "categorical_focal_crossentropy", "dropout"
])
