"""tf-keras 2's two extra training modes of BatchNormalization: ghost batches (`virtual_batch_size`) and
the `adjustment` callable. Keras 3 has neither; the layer only comes here when one is set.

Ghost batch normalization: in training the batch of B samples is viewed as (virtual_batch_size,
B // virtual_batch_size, ...), so the k-th virtual batch holds samples k, k + n, k + 2n, ... (n =
B // virtual_batch_size: every n-th sample, not a contiguous slice, exactly as tf-keras lays them out).
Each virtual batch is normalized with its own mean and biased variance; the moving statistics take one
step per call towards the average of the virtual batches' means and of their variances. B must be a
multiple of virtual_batch_size in training; inference (and a frozen layer) uses the moving statistics
on any batch. The weights have tf-keras' shape for this mode: the input's rank plus one, with 1
everywhere but the normalized axes (e.g. (1, 1, C) for (batch, C) inputs), so tf-keras weights and files
load as they are. With renorm=True, r and d come from those averaged moments.

`adjustment(shape)` gets the input's shape (a torch.Size) and returns (scale, bias), tensors that
broadcast against the input; in training only, the normalized values become x_hat * scale + bias
(after renorm's r and d, before gamma and beta).
"""
import numbers
import warnings

import torch

from tkeras.layers.normalization import _renorm


def check_options(name, virtual_batch_size, adjustment, fused):
    """ValueError (TypeError for a non-callable adjustment) naming the layer, as tf-keras refuses these."""
    where = f"BatchNormalization {name!r}"
    if virtual_batch_size is not None:
        if isinstance(virtual_batch_size, bool) or not isinstance(virtual_batch_size, numbers.Integral) \
                or virtual_batch_size <= 0:
            raise ValueError(f"{where}: `virtual_batch_size` must be a positive integer (the size of each ghost "
                             f"batch, dividing the training batch size); received {virtual_batch_size!r}")
        if adjustment is not None:
            raise ValueError(f"{where}: `adjustment` cannot be combined with `virtual_batch_size` "
                             f"(tf-keras refuses the pair too)")
        if fused:
            raise ValueError(f"{where}: `fused=True` cannot be combined with `virtual_batch_size` "
                             f"(tf-keras' fused kernel has no ghost batches)")
    if adjustment is not None:
        if not callable(adjustment):
            raise TypeError(f"{where}: `adjustment` must be a callable taking the input shape and returning "
                            f"(scale, bias); received {adjustment!r}")
        if fused:
            raise ValueError(f"{where}: `fused=True` cannot be combined with `adjustment` "
                             f"(tf-keras' fused kernel has no adjustment)")


def config_axis(axis, ndim):
    """The axis to build with. A built tf-keras layer writes its axis moved up by one for the extra
    virtual-batch dimension (an input of rank 2 gets axis=[2]); an axis list reaching past the input's
    last dimension can only be that, so it is moved back. (A shifted axis that still fits the rank cannot
    be told apart from a real one and is used as written.)"""
    if isinstance(axis, (list, tuple)) and axis and all(isinstance(a, int) and a >= 2 for a in axis) \
            and max(axis) == ndim:
        return [a - 1 for a in axis]
    return axis


def weight_shape(ndim, axes, sizes):
    """tf-keras' weight shape with virtual batches: rank ndim + 1, the sizes at each axis + 1."""
    shape = [1] * (ndim + 1)
    for a, size in zip(axes, sizes):
        shape[a + 1] = size
    return tuple(shape)


def warn_adjustment_not_saved(name):
    warnings.warn(f"BatchNormalization {name!r}: the `adjustment` function cannot be serialized and is left "
                  f"out of the config; a layer re-created from it has no adjustment.", stacklevel=3)


def train(layer, x, mask):
    """The training output (in x's dtype) for a layer with `virtual_batch_size` or `adjustment`, with the
    moving statistics moved."""
    if layer.virtual_batch_size is not None:
        return _ghost(layer, x, mask)
    return _adjusted(layer, x, mask)


def _ghost(layer, x, mask):
    name, size = layer.name, layer.virtual_batch_size
    if mask is not None:
        raise ValueError(f"BatchNormalization {name!r}: a mask cannot be used with `virtual_batch_size` in "
                         f"training (tf-keras cannot combine them either)")
    if layer.synchronized:
        from tkeras.layers.normalization.batch_normalization import _ranks
        if _ranks() > 1:
            raise NotImplementedError(f"BatchNormalization {name!r}: `synchronized=True` with "
                                      f"`virtual_batch_size` across several processes is not supported")
    batch = x.shape[0]
    if batch % size:
        raise ValueError(f"BatchNormalization {name!r}: in training the batch size ({batch}) must be a multiple "
                         f"of virtual_batch_size={size}")
    groups = x.reshape(size, batch // size, *x.shape[1:])
    reduce = (0,) + tuple(a + 1 for a in layer._reduce if a != 0)
    variance, mean = torch.var_mean(groups, dim=reduce, correction=0, keepdim=True)
    average_mean, average_variance = mean.mean(dim=1, keepdim=True), variance.mean(dim=1, keepdim=True)
    factor = torch.rsqrt(variance + layer.epsilon)
    scale = offset = None
    if layer.renorm:
        scale, offset = _renorm.corrections(layer, average_mean, average_variance)
    else:
        layer._update_moving_statistics(average_mean, average_variance)
    if layer.gamma is not None:
        scale, offset = (layer.gamma, offset) if scale is None else (scale * layer.gamma, offset * layer.gamma)
    if layer.beta is not None:
        offset = layer.beta if offset is None else offset + layer.beta
    if scale is not None:
        factor = factor * scale
    shift = -mean * factor
    if offset is not None:
        shift = shift + offset
    return torch.addcmul(shift, groups, factor).reshape(x.shape)


def _adjusted(layer, x, mask):
    mean, variance = layer._batch_moments(x, mask)
    adjust_scale, adjust_bias = layer.adjustment(torch.Size(x.shape))
    scale = torch.as_tensor(adjust_scale, dtype=x.dtype, device=x.device)
    offset = torch.as_tensor(adjust_bias, dtype=x.dtype, device=x.device)
    shaped = layer._shaped
    if layer.gamma is not None:
        gamma = shaped(layer.gamma)
        scale, offset = scale * gamma, offset * gamma
    if layer.beta is not None:
        offset = offset + shaped(layer.beta)
    if layer.renorm:
        r, d = _renorm.corrections(layer, mean, variance)
        scale, offset = shaped(r) * scale, shaped(d) * scale + offset
    else:
        layer._update_moving_statistics(mean, variance)
    factor = shaped(torch.rsqrt(variance + layer.epsilon)) * scale
    return x * factor + (offset - shaped(mean) * factor)
