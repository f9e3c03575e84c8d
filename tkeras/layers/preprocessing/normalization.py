"""`Normalization`: standardize features with a mean and variance learned once, before training.

The statistics are computed over the training data by `adapt()` (or given), then stored in the layer,
so the model carries its own preprocessing: `predict` on raw features gives the same answers as the
training pipeline did. Learned statistics are non-trainable weights named as in Keras 3 (`mean`,
`variance` and an int64 `count`, in that order), so `.keras` and `.weights.h5` files cross between
Keras and tkeras. Given statistics (`mean=`, `variance=`) are constants kept in the config, as in Keras.
"""
import numbers

import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._adapt_state import AdaptStateMixin
from tkeras.layers.preprocessing._vocabulary import adapt_batches
from tkeras.layers.preprocessing._data_layer import DataLayerMethods


class Normalization(DataLayerMethods, AdaptStateMixin, Layer):
    """Shift and scale inputs to zero mean and unit variance: `(x - mean) / sqrt(variance)`.

    Args:
        axis: the axis (or axes) that keep a separate mean and variance per index; -1 (per feature)
            by default, None for one scalar mean and variance over everything.
        mean, variance: statistics to use instead of `adapt()`; given together, broadcast to the
            kept axes.
        invert: apply the inverse transform, `x * sqrt(variance) + mean` (e.g. to de-normalize a
            regression target predicted in normalized units).

    Example:

        normalizer = keras.layers.Normalization()
        normalizer.adapt(x_train)                 # per-feature statistics of the training data
        model = keras.Sequential([normalizer, keras.layers.Dense(1)])
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
            axis = (int(axis),)
        elif isinstance(axis, (tuple, list)) and all(
                isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
            axis = tuple(int(a) for a in axis)
        else:
            raise ValueError(f"Normalization: `axis` must be an integer, a tuple of integers or None, "
                             f"received {axis!r}")
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: `mean` and `variance` must be given together, received "
                             f"mean={mean!r} and variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` and `variance` must have the same shape, received "
                                 f"{np.shape(mean)} and {np.shape(variance)}")
            if np.ndim(mean) > len(axis):
                raise ValueError(f"Normalization: `mean` has rank {np.ndim(mean)}, more than the "
                                 f"{len(axis)} kept axes (axis={axis})")
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._broadcast_shape = None
        self._accumulated = None  # (mean, variance, count) of the batches given to update_state

    # -- weights --------------------------------------------------------------------------------
    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization: `axis`={self.axis} is out of range for inputs of rank {ndim} "
                             f"(shape {tuple(input_shape)})")
        self._keep_axes = tuple(sorted(a % ndim for a in self.axis))
        self._reduce_axes = tuple(d for d in range(ndim) if d not in self._keep_axes)
        for d in self._keep_axes:
            if input_shape[d] is None:
                raise ValueError(f"Normalization: the kept axis {d} must have a known size, received input shape "
                                 f"{tuple(input_shape)} (axis={self.axis})")
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axes else 1 for d in range(ndim))
        self._stat_shape = tuple(input_shape[d] for d in self._keep_axes)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stat_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stat_shape, initializer="ones",
                                                  trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros",
                                         trainable=False)
        else:
            self._given = tuple(torch.as_tensor(self._aligned(v), dtype=self.torch_dtype, device=config.device())
                                for v in (self.input_mean, self.input_variance))
        self.built = True

    # Keras reports the statistics broadcast to the input's rank, (1, features) for the default axis,
    # while the weights (`adapt_mean`, `adapt_variance`) keep only the kept axes; None before build.
    @property
    def mean(self):
        return self._statistics()[0] if self._broadcast_shape is not None else None

    @property
    def variance(self):
        return self._statistics()[1] if self._broadcast_shape is not None else None

    def _aligned(self, value):
        """A given mean/variance broadcast to the input's rank: its axes line up with the kept axes
        from the right, as Keras aligns them."""
        value = np.asarray(value, dtype=np.float64)
        shape = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            shape[self._keep_axes[-i]] = value.shape[-i]
        try:
            return np.broadcast_to(value.reshape(shape), self._broadcast_shape).copy()
        except ValueError:
            raise ValueError(f"Normalization: the given mean/variance of shape {value.shape} cannot be broadcast "
                             f"to the kept axes of shape {self._stat_shape}") from None

    def _statistics(self):
        if self.input_mean is not None:
            return self._given
        return self.adapt_mean.reshape(self._broadcast_shape), self.adapt_variance.reshape(self._broadcast_shape)

    # -- adapt ----------------------------------------------------------------------------------
    def _check_adaptable(self, where):
        if self.input_mean is not None:
            raise ValueError(f"Normalization.{where}: this layer was given `mean` and `variance`; adapting would "
                             f"replace them. Create the layer without them to learn the statistics from data.")

    def update_state(self, data):
        """Add one batch to the running mean and variance without changing the statistics `call` uses;
        `finalize_state()` then stores them. Batches are merged exactly (Chan et al.'s pairwise update),
        so the result does not depend on how the data was split."""
        self._check_adaptable("update_state")
        batch = _as_float_array(data)
        if not self.built:
            self._build_from_shape((None,) + batch.shape[1:] if batch.ndim > 1 else batch.shape)
        # A batch lines up with the built shape from the right (an unbatched element lacks axis 0).
        offset = self._check_adapt_shape(batch.shape)
        reduce = tuple(d for d in range(batch.ndim) if d + offset not in self._keep_axes)
        count = int(np.prod([batch.shape[d] for d in reduce])) if reduce else 1
        if count == 0:
            return
        mean = batch.mean(axis=reduce) if reduce else batch
        var = batch.var(axis=reduce) if reduce else np.zeros_like(batch)
        mean, var = mean.reshape(self._stat_shape), var.reshape(self._stat_shape)
        if self._accumulated is None:
            self._accumulated = (mean, var, count)
            return
        total_mean, total_var, total_count = self._accumulated
        merged = total_count + count
        delta = mean - total_mean
        total_var = (total_var * total_count + var * count + delta ** 2 * total_count * count / merged) / merged
        self._accumulated = (total_mean + delta * count / merged, total_var, merged)

    def finalize_state(self):
        """Store the statistics accumulated by `update_state` in the layer's weights (nothing to do when
        no batch was accumulated, or with given `mean` and `variance`)."""
        if self.input_mean is not None or self._accumulated is None:
            return
        mean, var, count = self._accumulated
        with torch.no_grad():
            self.adapt_mean.copy_(torch.as_tensor(mean, dtype=self.adapt_mean.dtype))
            self.adapt_variance.copy_(torch.as_tensor(var, dtype=self.adapt_variance.dtype))
            self.count.fill_(count)

    def reset_state(self):
        """Forget the batches accumulated so far and mark the layer not adapted; the statistics `call`
        uses stay until the next `finalize_state()` / `adapt()` (as in tf-keras)."""
        self._accumulated = None
        self._is_adapted = False

    def adapt(self, data, batch_size=None, steps=None):
        """Compute the mean and variance of `data` over every axis except `axis`.

        `data` is one array (NumPy, a list, a tensor) or an iterable of batches: a batched tf.data
        Dataset, a generator, a list of arrays; `(x, y)` elements contribute their `x`. Same as
        `reset_state()`, `update_state(batch)` for every batch, then `finalize_state()`.
        """
        self._check_adaptable("adapt")
        self.reset_state()
        for batch in adapt_batches(data, steps, single_batch=_is_one_array):
            self.update_state(batch)
        if self._accumulated is None:
            raise ValueError("Normalization.adapt: received no data (an empty array or iterable)")
        self.finalize_state()
        self._is_adapted = True
        self._declare_adapted_input_shape()

    def _declare_adapted_input_shape(self):
        """tf-keras 2 gives an adapted layer without `input_shape` an input shape of the adapted data's
        rank, so a Sequential that then starts with it is built at once (the regression tutorial's
        `Sequential([normalizer, Dense(64), ...]).summary()` lists output shapes and parameters before
        fit). Only the kept axes are known: the others are free, as there, where the statistics'
        shape fixes the output's."""
        if self._batch_input_shape is not None or not self._keep_axes:
            return
        self._batch_input_shape = tuple(size if d in self._keep_axes else None
                                        for d, size in enumerate(self._broadcast_shape))

    def _check_adapt_shape(self, shape):
        expected = self._broadcast_shape
        offset = len(expected) - len(shape)
        if offset < 0 or any(not 0 <= d - offset or shape[d - offset] != expected[d] for d in self._keep_axes):
            raise ValueError(f"Normalization.adapt: the layer was built for inputs of shape "
                             f"{self._build_input_shape}, but adapt() received a batch of shape {tuple(shape)}")
        return offset

    # -- call -----------------------------------------------------------------------------------
    def call(self, inputs):
        if not inputs.is_floating_point():
            inputs = inputs.to(config.standardize_dtype(self.compute_dtype))
        mean, variance = self._statistics()
        std = torch.clamp(torch.sqrt(variance.to(inputs.dtype)), min=config.epsilon())
        if self.invert:
            return mean.to(inputs.dtype) + inputs * std
        return (inputs - mean.to(inputs.dtype)) / std

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": None if self.input_mean is None else np.asarray(self.input_mean).tolist(),
            "variance": None if self.input_variance is None else np.asarray(self.input_variance).tolist(),
        })
        return config_

    @classmethod
    def from_config(cls, config_):
        config_ = dict(config_)
        if isinstance(config_.get("axis"), list):
            config_["axis"] = tuple(config_["axis"])
        return cls(**config_)


def _is_one_array(data):
    if isinstance(data, (np.ndarray, torch.Tensor, numbers.Number)):
        return True
    # A (nested) list of numbers is one array; a list of arrays is a list of batches.
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, numbers.Number)


def _as_float_array(batch):
    if isinstance(batch, torch.Tensor):
        batch = batch.detach().cpu().numpy()
    array = np.asarray(batch)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Normalization.adapt: expected numeric data, received an array of dtype {array.dtype}")
    return array.astype(np.float64)
