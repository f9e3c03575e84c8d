"""Intersection-over-union metrics for segmentation: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU.

The state is one (num_classes, num_classes) confusion matrix, rows the true class and columns the
predicted one, in Keras' default integer dtype: sample weights are cast to it as Keras does, so
fractional weights are truncated unless the metric is made with a float `dtype`. Class ids outside
[0, num_classes) and `ignore_class` are dropped on the device by a zero weight (no host read).
"""
import warnings

import torch

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.metrics.metric import Metric


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        # Keras' "int" default for the counts (int32 on every backend but TensorFlow).
        super().__init__(name=name, dtype="int32" if dtype in (None, "int", int) else dtype)
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"{type(self).__name__}: `num_classes` must be a positive int; received "
                             f"num_classes={num_classes!r}")
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(shape=(num_classes, num_classes), name="total_confusion_matrix")

    def _class_ids(self, values, sparse, device):
        values = _tensors.as_tensor(values, device=device)
        if not sparse:
            values = values.argmax(dim=self.axis)
        return values.to(self._torch_dtype).reshape(-1)

    def update_state(self, y_true, y_pred, sample_weight=None):
        device = y_pred.device if isinstance(y_pred, torch.Tensor) else self._device
        y_pred = self._class_ids(y_pred, self.sparse_y_pred, device)
        self._follow(y_pred)
        y_true = self._class_ids(y_true, self.sparse_y_true, y_pred.device)
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{type(self).__name__}: y_true and y_pred must hold one class id per element; received "
                f"{y_true.numel()} and {y_pred.numel()}. One-hot labels need sparse_y_true=False (OneHotIoU, "
                f"OneHotMeanIoU), class scores sparse_y_pred=False.")
        if sample_weight is None:
            weights = torch.ones_like(y_true)
        else:
            if not self._torch_dtype.is_floating_point and _is_float(sample_weight):
                warnings.warn(f"{type(self).__name__}: float sample weights are cast to the metric's integer "
                              f"dtype {self.dtype} (truncated); pass integer weights or "
                              f"dtype='float32'", stacklevel=2)
            weights = _tensors.as_tensor(sample_weight, device=y_pred.device).to(self._torch_dtype).reshape(-1)
            weights = torch.broadcast_to(weights, y_true.shape)
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid = valid & (y_true != self.ignore_class)
        weights = torch.where(valid, weights, torch.zeros_like(weights))
        cells = torch.where(valid, y_true * self.num_classes + y_pred, torch.zeros_like(y_true)).long()
        counts = torch.zeros(self.num_classes * self.num_classes, dtype=self._torch_dtype, device=y_pred.device)
        counts.index_add_(0, cells, weights)
        self._accumulate(self.total_cm, counts.reshape(self.num_classes, self.num_classes))


def _is_float(values):
    if isinstance(values, torch.Tensor):
        return values.is_floating_point()
    return getattr(values, "dtype", None) is not None and "float" in str(values.dtype)


class IoU(_IoUBase):
    """true_positives / (true_positives + false_positives + false_negatives), averaged over
    `target_class_ids` (classes never seen in labels or predictions are left out of the mean)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < 0:
            raise ValueError(f"{type(self).__name__}: every target class id must lie in [0, {num_classes}); "
                             f"received target_class_ids={target_class_ids}")
        self.target_class_ids = target_class_ids
        self._targets = torch.tensor(target_class_ids, dtype=torch.long, device=self._device)

    def _on_device_change(self, device):
        self._targets = self._targets.to(device)

    def result(self):
        matrix = self.total_cm.detach().to(torch.float32)
        true_positives = torch.diagonal(matrix)
        # predicted + actual - both = tp + fp + fn
        union = matrix.sum(dim=0) + matrix.sum(dim=1) - true_positives
        true_positives = true_positives.index_select(0, self._targets)
        union = union.index_select(0, self._targets)
        present = union > 1e-9
        iou = torch.where(present, true_positives / (union + config.epsilon()), torch.zeros_like(union))
        return iou.sum() / (present.to(torch.float32).sum() + config.epsilon())

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of two classes from probabilities: a prediction >= `threshold` is class 1."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _tensors.as_tensor(y_pred, dtype=torch.float32,
                                    device=None if isinstance(y_pred, torch.Tensor) else self._device)
        y_true = _tensors.as_tensor(y_true, device=y_pred.device).to(self._torch_dtype)
        super().update_state(y_true, (y_pred >= self.threshold).to(self._torch_dtype), sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    """The IoU averaged over every class."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=list(range(num_classes)), name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU for one-hot labels (and, unless `sparse_y_pred`, class scores): both go through argmax."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids, "name": self.name,
                "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot labels (and, unless `sparse_y_pred`, class scores)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
