"""Batch renormalization (Ioffe 2017) for BatchNormalization(renorm=True), as tf-keras 2 and Keras 3 run it.

Training normalizes with the batch's moments, then corrects towards the running (renorm) statistics:
`x_hat * r + d` with `r = batch_std / renorm_std` and `d = (batch_mean - renorm_mean) / renorm_std`
(both read before this batch's update, clipped to [rmin, rmax] and [-dmax, dmax] when given, and
treated as constants by the gradient). `batch_std` is sqrt(variance + epsilon), and `renorm_std` is
held at sqrt(epsilon) or more. Folded into the affine part: scale `r * gamma`, offset `d * gamma + beta`.

Per step, `renorm_mean`/`renorm_stddev` move towards the batch mean/std with `renorm_momentum`;
`moving_mean` and `moving_stddev` with `momentum`; `moving_variance` becomes
relu(moving_stddev ** 2 - epsilon). Inference and a frozen layer use moving_mean/moving_variance only,
as without renorm. The three extra weights follow the usual four, non-trainable, in the order
moving_stddev, renorm_mean, renorm_stddev (tf-keras' and Keras 3's order).
"""
import math

import torch

from tkeras.backend.stateless_scope import active_stateless_scope

CLIPPING_KEYS = ("rmax", "rmin", "dmax")


def checked_clipping(layer_name, clipping):
    """The `renorm_clipping` dict to keep ({} for None); ValueError naming the layer for a bad one."""
    clipping = {} if clipping is None else clipping
    where = f"BatchNormalization {layer_name!r}: `renorm_clipping`"
    if not isinstance(clipping, dict):
        raise ValueError(f"{where} must be a dict with keys among {list(CLIPPING_KEYS)}; received {clipping!r}")
    unknown = sorted(set(clipping) - set(CLIPPING_KEYS), key=str)
    if unknown:
        raise ValueError(f"{where} has unknown key(s) {unknown}: received {clipping}. Supported keys: "
                         f"{list(CLIPPING_KEYS)}.")
    for key, value in clipping.items():
        if value is not None and not isinstance(value, (int, float)):
            raise ValueError(f"{where}[{key!r}] must be a number; received {value!r}")
    rmin, rmax, dmax = (clipping.get(key) for key in ("rmin", "rmax", "dmax"))
    if rmin is not None and rmax is not None and rmax < rmin:
        raise ValueError(f"{where}: rmax must not be less than rmin; received rmax={rmax}, rmin={rmin}")
    if dmax is not None and dmax < 0:
        raise ValueError(f"{where}: dmax must be non-negative; received dmax={dmax}")
    return clipping


def add_weights(layer, shape):
    """moving_stddev, renorm_mean, renorm_stddev, made after moving_variance (tf-keras' order)."""
    def stddev_initializer(shape, dtype=None):
        return torch.sqrt(torch.as_tensor(layer.moving_variance_initializer(shape, dtype=dtype)))

    layer.moving_stddev = layer.add_weight(name="moving_stddev", shape=shape, initializer=stddev_initializer,
                                           trainable=False)
    layer.renorm_mean = layer.add_weight(name="renorm_mean", shape=shape,
                                         initializer=layer.moving_mean_initializer, trainable=False)
    layer.renorm_stddev = layer.add_weight(name="renorm_stddev", shape=shape, initializer=stddev_initializer,
                                           trainable=False)


def scale_and_shift(layer, mean, variance):
    """The training step's per-feature factor and offset (x * factor + offset), with the statistics
    moved; `mean`/`variance` are the batch's (biased) moments."""
    inv = torch.rsqrt(variance + layer.epsilon)
    factor, offset = corrections(layer, mean, variance)
    if layer.gamma is not None:
        factor, offset = factor * layer.gamma, offset * layer.gamma
    if layer.beta is not None:
        offset = offset + layer.beta
    factor = inv * factor
    return factor, offset - mean * factor


def corrections(layer, mean, variance):
    """(r, d) for this step, constants to the gradient, read before the statistics move towards
    `mean` and sqrt(`variance` + epsilon) (which this also does)."""
    epsilon = layer.epsilon
    with torch.no_grad():
        stddev = torch.sqrt(variance.detach() + epsilon)
        batch_mean = mean.detach()
        renorm_stddev = torch.clamp(layer.renorm_stddev.detach().to(stddev.dtype), min=math.sqrt(epsilon))
        r = stddev / renorm_stddev
        d = (batch_mean - layer.renorm_mean.detach().to(stddev.dtype)) / renorm_stddev
        clipping = layer.renorm_clipping
        if clipping:
            rmin, rmax, dmax = clipping.get("rmin"), clipping.get("rmax"), clipping.get("dmax")
            if rmin is not None:
                r = torch.clamp(r, min=rmin)
            if rmax is not None:
                r = torch.clamp(r, max=rmax)
            if dmax is not None:
                d = torch.clamp(d, min=-dmax, max=dmax)
        _move(layer, batch_mean, stddev)
    return r, d


def _move(layer, mean, stddev):
    keep, renorm_keep = layer.momentum, layer.renorm_momentum
    updates = [(layer.renorm_mean, mean, renorm_keep), (layer.renorm_stddev, stddev, renorm_keep),
               (layer.moving_mean, mean, keep), (layer.moving_stddev, stddev, keep)]
    new = {id(var): var.detach() * kept + value.to(var.dtype) * (1.0 - kept) for var, value, kept in updates}
    moving_stddev = new[id(layer.moving_stddev)]
    variance = torch.relu(moving_stddev * moving_stddev - layer.epsilon)
    stateless = active_stateless_scope() is not None  # keras.StatelessScope: recorded there, not applied
    for var, value in [(var, new[id(var)]) for var, _, _ in updates] + [(layer.moving_variance, variance)]:
        if stateless:
            var.assign(value)
        else:
            var.copy_(value)
