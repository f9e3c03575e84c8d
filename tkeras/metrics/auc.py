"""AUC: the area under the ROC or precision-recall curve, approximated the way Keras does it.

Confusion counts are kept at `num_thresholds` thresholds, 0 - epsilon, 1/(n-1), ..., 1 + epsilon (the
epsilons make predictions of exactly 0 and 1 fall inside the range), so the state is a fixed-size sum
that can be updated per batch and added across ranks. The area is a Riemann sum over consecutive
thresholds; 'interpolation' is the trapezoid rule for ROC, and for PR Keras' closed-form
interpolation of precision (Davis & Goadrich), which avoids the optimism of linear PR interpolation.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.metrics import _confusion
from tkeras.metrics.metric import Metric
from tkeras.utils.lookup import lookup_error

_CURVES = ("ROC", "PR")
_SUMMATIONS = ("interpolation", "minoring", "majoring")


def _choice(value, valid, argument):
    text = str(value)
    for option in valid:
        if text.lower() == option.lower():
            return option
    # Matching is case-insensitive, so the lower-case spellings are the ones to suggest.
    raise lookup_error(f"AUC {argument}", value, [option.lower() for option in valid])


class AUC(Metric):
    _fixed_state_dtype = torch.float32  # float32 counts for any `dtype`, as Keras 3 (see Metric)

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        self.curve = _choice(curve, _CURVES, "curve")
        self.summation_method = _choice(summation_method, _SUMMATIONS, "summation_method")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = _confusion.evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1; received {num_thresholds!r}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = config.epsilon()
        self._threshold_values = [0.0 - eps] + inner + [1.0 + eps]
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self._from_logits = from_logits
        self.label_weights = None if label_weights is None else torch.as_tensor(
            np.asarray(label_weights), dtype=self._state_torch_dtype, device=self._device)
        self._thresholds = torch.tensor(self._threshold_values, dtype=torch.float64, device=self._device)
        self._built = False
        if not multi_label:
            if num_labels:
                raise ValueError("AUC: num_labels is only used with multi_label=True")
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        return list(self._threshold_values)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"AUC(multi_label=True) needs y_pred of rank 2 (samples, labels); received "
                                 f"shape {tuple(shape)}")
            self._num_labels = shape[1]
            state_shape = (self.num_thresholds, self._num_labels)
        else:
            state_shape = (self.num_thresholds,)
        for count in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, count, self.add_variable(shape=state_shape, name=count))
        self._built = True

    def _on_device_change(self, device):
        self._thresholds = self._thresholds.to(device)
        if self.label_weights is not None:
            self.label_weights = self.label_weights.to(device)

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not isinstance(y_pred, torch.Tensor):
            y_pred = torch.as_tensor(y_pred).to(self._device)
        if not self._built:
            self._build(tuple(y_pred.shape))
        self._follow(y_pred)
        labels, y_pred, weights = _confusion.prepare(y_true, y_pred, sample_weight)
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred)
        if self.label_weights is not None and not self.multi_label:
            label_weights = torch.broadcast_to(self.label_weights.to(y_pred.dtype), y_pred.shape)
            weights = label_weights if weights is None else weights * label_weights
        if self._evenly:
            counts = _confusion.counts_by_buckets(labels, y_pred, weights, self.num_thresholds, self.multi_label)
        elif self.multi_label:
            counts = self._multi_label_by_comparison(labels, y_pred, weights)
        else:
            counts = _confusion.counts_by_comparison(labels, y_pred, weights, self._thresholds.to(y_pred.dtype))
        for variable, value in zip((self.true_positives, self.false_positives, self.true_negatives,
                                    self.false_negatives), counts):
            variable.assign_add(value)

    def _multi_label_by_comparison(self, labels, y_pred, weights):
        per_label = [_confusion.counts_by_comparison(labels[:, i], y_pred[:, i],
                                                     None if weights is None else weights[:, i],
                                                     self._thresholds.to(y_pred.dtype))
                     for i in range(y_pred.shape[1])]
        return tuple(torch.stack([c[j] for c in per_label], dim=1) for j in range(4))

    # -- the area ---------------------------------------------------------------------------------
    def _by_label(self, per_threshold_terms):
        if not self.multi_label:
            return per_threshold_terms.sum()
        by_label = per_threshold_terms.sum(dim=0)
        if self.label_weights is None:
            return by_label.mean()
        weights = self.label_weights.to(by_label.dtype)
        return _confusion.divide_no_nan((by_label * weights).sum(), weights.sum())

    def interpolate_pr_auc(self):
        """The area under the precision-recall curve of the counts gathered so far, with precision
        interpolated between thresholds as TP / P, TP and P = TP + FP linear in each interval (Davis &
        Goadrich's interpolation, in closed form); what `result()` gives for curve='PR' with
        summation_method='interpolation', available whatever the metric's own settings."""
        return self._interpolated_pr_auc(self.true_positives.detach(), self.false_positives.detach(),
                                         self.false_negatives.detach())

    def _interpolated_pr_auc(self, tp, fp, fn):
        """Precision interpolated between thresholds as TP/P with TP and P linear in each interval."""
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _confusion.divide_no_nan(dtp, dp.clamp_min(0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = torch.where(both_positive, _confusion.divide_no_nan(p[:-1], p[1:].clamp_min(0)),
                            torch.ones_like(p[1:]))
        increments = _confusion.divide_no_nan(slope * (dtp + intercept * torch.log(ratio)),
                                              (tp[1:] + fn[1:]).clamp_min(0))
        return self._by_label(increments)

    def result(self):
        tp, fp = self.true_positives.detach(), self.false_positives.detach()
        tn, fn = self.true_negatives.detach(), self.false_negatives.detach()
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc(tp, fp, fn)
        recall = _confusion.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _confusion.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _confusion.divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._by_label((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config_ = {
            **super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.cpu().tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config_["thresholds"] = self.thresholds[1:-1]
        return config_
