"""R2Score: the coefficient of determination over every sample seen, optionally adjusted.

R^2 needs the mean of the targets over the whole epoch, so the state is sums from which it follows at
the end (per output: sum of y, sum of y^2, sum of squared residuals, total weight); an epoch-level R^2
is then exact however the data was batched, and the sums add up across data-parallel ranks.
"""
import warnings

import torch

from tkeras.losses import _tensors
from tkeras.metrics.metric import Metric

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """1 - residual sum of squares / total sum of squares, per output then aggregated.

    `class_aggregation`: None (one score per output), 'uniform_average' or 'variance_weighted_average'.
    `num_regressors` > 0 gives the adjusted R^2, 1 - (1 - R^2)(n - 1)/(n - p - 1).
    """

    _fixed_state_dtype = torch.float32  # float32 sums for any `dtype`, as Keras 3 (see Metric)

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(f"R2Score: `class_aggregation` must be one of {_AGGREGATIONS}; received "
                             f"class_aggregation={class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"R2Score: `num_regressors` must be >= 0; received num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(name="num_samples")
        self._samples_seen = 0  # a host-side copy of num_samples, only for deciding on warnings
        self._built = False

    def _build(self, y_true, y_pred):
        if y_pred.dim() != 2 or y_true.dim() != 2:
            raise ValueError(f"R2Score expects 2-D inputs of shape (batch_size, output_dim); received "
                             f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}")
        outputs = (y_pred.shape[-1],)
        self.squared_sum = self.add_variable(shape=outputs, name="squared_sum")
        self.sum = self.add_variable(shape=outputs, name="sum")
        self.total_mse = self.add_variable(shape=outputs, name="residual")
        self.count = self.add_variable(shape=outputs, name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_tensor(y_pred, dtype=self._state_torch_dtype,
                                    device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true = _tensors.as_tensor(y_true, dtype=self._state_torch_dtype, device=y_pred.device)
        y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
        self._follow(y_pred)
        if not self._built:
            self._build(y_true, y_pred)
        if sample_weight is None:
            weights = torch.ones_like(y_true)
        else:
            weights = _tensors.as_tensor(sample_weight, dtype=self._state_torch_dtype, device=y_pred.device)
            if weights.dim() == 1:
                weights = weights.unsqueeze(1)  # a weight per sample, shared by its outputs
            weights = torch.broadcast_to(weights, y_true.shape)
        weighted_true = y_true * weights
        with torch.no_grad():
            self._accumulate(self.sum, weighted_true.sum(dim=0))
            self._accumulate(self.squared_sum, (y_true * weighted_true).sum(dim=0))
            self._accumulate(self.total_mse, (torch.square(y_true - y_pred) * weights).sum(dim=0))
            self._accumulate(self.count, weights.sum(dim=0))
            self._accumulate(self.num_samples, y_true.numel())
        self._samples_seen += y_true.numel()

    def result(self):
        if not self._built:
            return torch.zeros((), dtype=self._state_torch_dtype, device=self._device)
        total_sum = self.sum.detach()
        mean = total_sum / self.count.detach()
        total = self.squared_sum.detach() - total_sum * mean
        raw = 1.0 - self.total_mse.detach() / total
        raw = torch.where(torch.isinf(raw), torch.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw).sum() / total.sum()
        else:
            score = raw
        if self.num_regressors == 0:
            return score
        p = float(self.num_regressors)
        if p > self._samples_seen - 1:
            warnings.warn("R2Score: more regressors than samples for the adjusted R2; returning the plain R2",
                          stacklevel=2)
            return score
        if p == self._samples_seen - 1:
            warnings.warn("R2Score: the adjusted R2 divides by zero (num_regressors == samples - 1); "
                          "returning the plain R2", stacklevel=2)
            return score
        n = self.num_samples.detach().to(torch.float32)
        return 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)

    def reset_state(self):
        super().reset_state()
        self._samples_seen = 0

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
