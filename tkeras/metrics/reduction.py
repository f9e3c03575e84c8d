"""Running sums and (weighted) means: `Sum`, `Mean`, `MeanMetricWrapper` for any f(y_true, y_pred), and
tf.keras 2's `MeanTensor` (an element-wise mean that keeps the values' shape).

A weighted mean keeps two sums, sum(w * value) and sum(w), so it stays exact across batches of
different sizes and can be added up across data-parallel ranks.
"""
import torch

from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.losses import _tensors
from tkeras.losses.loss import _merge_mask
from tkeras.metrics.metric import Metric
from tkeras.metrics.metric_layer_attributes import Reduction


def _reduce(values, dims, how):
    if not dims:
        return values
    return values.sum(dim=dims) if how == "sum" else values.mean(dim=dims)


def samplewise(values, sample_weight, how, dtype):
    """Per-sample values (axes past the first reduced by `how`) and the matching per-sample weights.

    Keras' rule: values with more axes than the weight are first reduced down to the weight's rank,
    so a (N,) weight weighs whole samples of (N, T) values.
    """
    values = values.to(dtype)
    if sample_weight is not None:
        sample_weight = _tensors.as_tensor(sample_weight, dtype=dtype, device=values.device)
        values, sample_weight = _tensors.align_ranks(values, sample_weight)
        weight_rank = sample_weight.dim()
        values = _reduce(values, list(range(weight_rank, values.dim())), how)
        sample_weight = torch.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_rank > 1:
            sample_weight = _reduce(sample_weight, list(range(1, weight_rank)), how)
    values = _reduce(values, list(range(1, values.dim())), how)
    return values, sample_weight


# 0/1 metric function -> counter(y_true, y_pred, **kwargs): one boolean hit per sample, a (N,) or (N, 1)
# tensor, or None for shapes it leaves to the function (accuracy.py registers the accuracies).
_HIT_COUNTERS = {}


def count_hits_with(fn, counter):
    _HIT_COUNTERS[fn] = counter


class Sum(Metric):
    reduction = Reduction.SUM  # tf-keras 2's attribute

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(name="total")

    def update_state(self, values, sample_weight=None):
        values = _tensors.as_float(values, device=None if isinstance(values, torch.Tensor) else self._device)
        self._follow(values)
        values, _ = samplewise(values, sample_weight, "sum", self._torch_dtype)
        self.total.assign_add(values.sum())

    def result(self):
        return self.total.detach().clone()


class Mean(Metric):
    reduction = Reduction.WEIGHTED_MEAN  # tf-keras 2's attribute

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(name="total")
        self.count = self.add_variable(name="count")

    def update_state(self, values, sample_weight=None):
        if not isinstance(values, torch.Tensor):
            values = _tensors.as_float(values, device=self._device)
        self._follow(values)
        if values.dtype == self.total.dtype and active_stateless_scope() is None:
            if values.dim() == 0 and isinstance(sample_weight, (int, float)):
                # The fit loop's loss tracker (a batch's mean loss weighted by its size), every step: two
                # in-place kernels, and the Python weight never becomes a device tensor.
                with torch.no_grad():
                    self.total.add_(values.detach(), alpha=sample_weight)
                    self.count.add_(sample_weight)
                return
            if values.dim() == 1 and sample_weight is None:
                # One value a sample, unweighted (an accuracy in the fit loop, every step): what the
                # general path adds, without its reshaping.
                with torch.no_grad():
                    self.total.add_(values.sum())
                    self.count.add_(values.shape[0])
                return
        values, sample_weight = samplewise(values, sample_weight, "mean", self._torch_dtype)
        self.total.assign_add(values.sum())
        if sample_weight is not None:
            self.count.assign_add(sample_weight.sum())
        else:
            self.count.assign_add(values.shape[0] if values.dim() else 1)

    def result(self):
        count = self.count.detach()
        return torch.where(count != 0, self.total.detach() / torch.where(count != 0, count, torch.ones_like(count)),
                           torch.zeros_like(count))


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)` over all samples seen since the last reset."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper expects a callable fn(y_true, y_pred); received {fn!r}")
        # Unnamed, it is `mean_metric_wrapper`, `mean_metric_wrapper_1`, ... as in Keras (compile names the
        # wrappers it makes after the function itself).
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        counter = _HIT_COUNTERS.get(self._fn)
        if counter is not None and sample_weight is None and self._count_hits(counter, y_true, y_pred):
            return
        y_pred = _tensors.as_float(y_pred, device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true = _tensors.as_tensor(y_true, device=y_pred.device)
        # tf.keras 2 handed metric functions (N, 1) targets for (N, 1) outputs: K-based custom metrics
        # (the F1 of many tutorials) would otherwise broadcast (N,) * (N, 1) to (N, N).
        y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
        self._follow(y_pred)
        mask = _tensors.mask_of(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if not isinstance(values, torch.Tensor):
            values = _tensors.as_float(values, device=y_pred.device)
        if mask is not None:
            sample_weight = _merge_mask(
                None if sample_weight is None else _tensors.as_tensor(sample_weight, dtype=self._torch_dtype,
                                                                      device=y_pred.device),
                mask, values.to(self._torch_dtype), "sum")
        super().update_state(values, sample_weight=sample_weight)

    def _count_hits(self, counter, y_true, y_pred):
        """An unweighted 0/1 metric (the accuracies) on plain tensors, unmasked: the hits counted as
        booleans, which adds what the general path adds (exact integer sums) with two fewer kernels
        and none of its conversions. False where the counter declines the shapes."""
        if type(y_pred) is not torch.Tensor or type(y_true) is not torch.Tensor or not y_pred.is_floating_point() \
                or y_true.device != y_pred.device or "_keras_mask" in y_pred.__dict__ \
                or self.total.dtype not in (torch.float32, torch.float64) or active_stateless_scope() is not None:
            return False
        y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
        with torch.no_grad():
            hits = counter(y_true, y_pred, **self._fn_kwargs)
            if hits is None:
                return False
            self._follow(y_pred)
            self.total.add_(hits.sum())
            self.count.add_(hits.shape[0])
        return True

    def get_config(self):
        from tkeras.metrics import serialize
        return {**super().get_config(), "fn": serialize(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if cls is not MeanMetricWrapper:
            config.pop("fn", None)
        elif "fn" in config:
            from tkeras.metrics import deserialize
            config["fn"] = deserialize(config["fn"], custom_objects=custom_objects)
        return cls(**config)


class MeanTensor(Metric):
    """tf.keras 2: the element-wise weighted mean of same-shaped tensors over every update.

    The state has the values' shape (given as `shape`, or taken from the first update) and is not
    reduced over any axis; an element whose weights sum to 0 reads 0.
    """

    def __init__(self, name="mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = None
        self._built = False
        if shape is not None:
            self._build(tuple(shape))

    def _build(self, shape):
        self._shape = tuple(shape)
        self.total = self.add_variable(shape=self._shape, name="total")
        self.count = self.add_variable(shape=self._shape, name="count")
        self._built = True

    def update_state(self, values, sample_weight=None):
        values = _tensors.as_tensor(values, dtype=self._torch_dtype,
                                    device=None if isinstance(values, torch.Tensor) else self._device)
        self._follow(values)
        if not self._built:
            self._build(values.shape)
        elif tuple(values.shape) != self._shape:
            raise ValueError(f"MeanTensor: every update must have the shape of the first, {self._shape}; "
                             f"received values of shape {tuple(values.shape)}")
        counts = torch.ones_like(values)
        if sample_weight is not None:
            weights = _tensors.as_tensor(sample_weight, dtype=self._torch_dtype, device=values.device)
            if weights.dim() == values.dim() - 1:
                weights = weights.unsqueeze(-1)  # one weight per row
            try:
                weights = torch.broadcast_to(weights, values.shape)
            except RuntimeError:
                raise ValueError(f"MeanTensor: sample_weight of shape {tuple(weights.shape)} does not broadcast "
                                 f"to the values' shape {tuple(values.shape)}") from None
            counts, values = weights, values * weights
        with torch.no_grad():
            self._accumulate(self.total, values)
            self._accumulate(self.count, counts)

    def result(self):
        if not self._built:
            raise ValueError("MeanTensor has no value yet: call update_state(values) before result()")
        count = self.count.detach()
        safe = torch.where(count != 0, count, torch.ones_like(count))
        return torch.where(count != 0, self.total.detach() / safe, torch.zeros_like(count))

    def reset_state(self):
        if self._built:
            super().reset_state()
