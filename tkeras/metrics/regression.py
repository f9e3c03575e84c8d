"""Metric counterparts of the losses: running means of a loss function's per-sample values.

The formulas are the loss functions themselves (one definition each), so `metrics.MeanSquaredError`
and `losses.MeanSquaredError` can never disagree. RootMeanSquaredError is the one that is not a mean:
it keeps the mean squared error and takes the root when read. tf.keras 2's MeanRelativeError is the
running mean of |y_true - y_pred| / normalizer.
"""
import numpy as np
import torch

from tkeras import losses
from tkeras.losses import _tensors
from tkeras.metrics._confusion import divide_no_nan
from tkeras.backend.naming import unique_name
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import Mean, MeanMetricWrapper


class _LossMean(MeanMetricWrapper):
    """A running mean of one loss function; `_arguments` are the constructor arguments it forwards."""

    _function = None
    _arguments = ()

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(type(self)._function, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        return {**Metric.get_config(self), **{key: getattr(self, key) for key in self._arguments}}


def _metric(class_name, function, default_name, arguments=()):
    """Build a metric class whose __init__ has the Keras signature (named arguments with defaults)."""
    defaults = dict(arguments)

    def __init__(self, name=default_name, dtype=None, **kwargs):
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{class_name}() got unexpected keyword argument(s) {sorted(unknown)}; it accepts "
                            f"name, dtype{''.join(', ' + k for k in defaults)}")
        _LossMean.__init__(self, name=name, dtype=dtype, **{**defaults, **kwargs})

    return type(class_name, (_LossMean,), {
        "__init__": __init__, "_function": staticmethod(function), "_arguments": tuple(defaults),
        "__module__": __name__, "__doc__": f"Running mean of `{function.__name__}` over the samples seen.",
    })


def cosine_similarity(y_true, y_pred, axis=-1):
    """+cos(y_true, y_pred): the metric reports the similarity itself (the loss is its negative)."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


MeanSquaredError = _metric("MeanSquaredError", losses.mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _metric("MeanAbsoluteError", losses.mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _metric("MeanAbsolutePercentageError", losses.mean_absolute_percentage_error,
                                      "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _metric("MeanSquaredLogarithmicError", losses.mean_squared_logarithmic_error,
                                      "mean_squared_logarithmic_error")
LogCoshError = _metric("LogCoshError", losses.log_cosh, "logcosh")
Hinge = _metric("Hinge", losses.hinge, "hinge")
SquaredHinge = _metric("SquaredHinge", losses.squared_hinge, "squared_hinge")
CategoricalHinge = _metric("CategoricalHinge", losses.categorical_hinge, "categorical_hinge")
KLDivergence = _metric("KLDivergence", losses.kl_divergence, "kl_divergence")
Poisson = _metric("Poisson", losses.poisson, "poisson")


def _check_common(class_name, from_logits=False, label_smoothing=0, axis=-1):
    """Catch swapped or mistyped arguments now, not as a shape error at the first update."""
    if not isinstance(from_logits, (bool, np.bool_)):
        raise TypeError(f"{class_name}: `from_logits` must be True or False, received from_logits={from_logits!r}")
    if (isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float, np.number))
            or not 0 <= label_smoothing <= 1):
        raise ValueError(f"{class_name}: `label_smoothing` must be a number in [0, 1], "
                         f"received label_smoothing={label_smoothing!r}")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{class_name}: `axis` must be an integer, received axis={axis!r}")


# The four below spell out Keras 3's parameters (same order as tf-keras 2's), so positional calls
# such as BinaryCrossentropy("bce", None, True) work as in both.
class BinaryCrossentropy(_LossMean):
    """Running mean of `binary_crossentropy` over the samples seen."""

    _function = staticmethod(losses.binary_crossentropy)
    _arguments = ("from_logits", "label_smoothing")

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        _check_common(type(self).__name__, from_logits, label_smoothing)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(_LossMean):
    """Running mean of `categorical_crossentropy` over the samples seen."""

    _function = staticmethod(losses.categorical_crossentropy)
    _arguments = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0,
                 axis=-1):
        _check_common(type(self).__name__, from_logits, label_smoothing, axis)
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)


class SparseCategoricalCrossentropy(_LossMean):
    """Running mean of `sparse_categorical_crossentropy` over the samples seen.

    With ignore_class the ignored entries count as zeros in the mean, as in Keras 3.15 (its metric reads
    the mask of y_pred, not the one the loss function sets on its values).
    """

    _function = staticmethod(losses.sparse_categorical_crossentropy)
    _arguments = ("from_logits", "ignore_class", "axis")

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None,
                 axis=-1):
        _check_common(type(self).__name__, from_logits, axis=axis)
        if ignore_class is not None and (isinstance(ignore_class, bool)
                                         or not isinstance(ignore_class, (int, np.integer))):
            raise TypeError(f"{type(self).__name__}: `ignore_class` must be None or an integer class id, "
                            f"received ignore_class={ignore_class!r}")
        super().__init__(name=name, dtype=dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class CosineSimilarity(_LossMean):
    """Running mean of the cosine similarity (+cos, unlike the loss) over the samples seen."""

    _function = staticmethod(cosine_similarity)
    _arguments = ("axis",)

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        _check_common(type(self).__name__, axis=axis)
        super().__init__(name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """sqrt of the running mean squared error (the root of the mean, not a mean of roots)."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_float(y_pred, device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true, y_pred = _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)
        super().update_state(torch.square(y_true - y_pred), sample_weight=sample_weight)

    def result(self):
        return torch.sqrt(super().result())


class MeanRelativeError(Mean):
    """tf.keras 2: the running mean of |y_true - y_pred| / normalizer (0 where the normalizer is 0)."""

    def __init__(self, normalizer, name=None, dtype=None):
        super().__init__(name=name or unique_name("mean_relative_error"), dtype=dtype)  # tf-keras 2 numbers them
        self.normalizer = torch.as_tensor(np.asarray(normalizer), dtype=self._torch_dtype, device=self._device)

    def _on_device_change(self, device):
        self.normalizer = self.normalizer.to(device)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_tensor(y_pred, dtype=self._torch_dtype,
                                    device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true, y_pred = _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)
        self._follow(y_pred)
        super().update_state(divide_no_nan(torch.abs(y_true - y_pred), self.normalizer), sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "normalizer": self.normalizer.cpu().tolist()}

    @classmethod
    def from_config(cls, config):
        normalizer = config.get("normalizer")
        if isinstance(normalizer, dict):  # tf-keras 2 writes the array as {"class_name": "__numpy__", ...}
            from tkeras.saving.serialization import deserialize_keras_object
            config = {**config, "normalizer": deserialize_keras_object(normalizer)}
        return cls(**config)
