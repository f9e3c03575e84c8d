"""Accuracy metrics, and which one the bare string 'accuracy' stands for.

Keras resolves `metrics=['accuracy']` from the loss and the output shape: binary accuracy for a
binary crossentropy or a single-unit output, sparse categorical accuracy for integer labels, else
categorical accuracy. `resolve_accuracy` does that choice for the compile code.
"""
import torch

from tkeras import losses
from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import MeanMetricWrapper, count_hits_with


def _floatx():
    return config.standardize_dtype(None)


def accuracy(y_true, y_pred):
    """1 where the prediction equals the target exactly, elementwise."""
    y_pred = _tensors.as_float(y_pred)
    y_true, y_pred = _tensors.align_ranks(_tensors.true_like(y_true, y_pred), y_pred)
    return (y_true == y_pred).to(_floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (y_pred > threshold) matches the 0/1 target, elementwise."""
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
    predicted = (y_pred > threshold).to(y_true.dtype)
    return (y_true == predicted).to(_floatx())


def categorical_accuracy(y_true, y_pred):
    """1 where the arg-max class of the prediction is the arg-max class of the one-hot target."""
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    return (_one_hot_argmax(y_true) == y_pred.argmax(dim=-1)).to(_floatx())


def _class_labels(y_true, y_pred):
    """Integer labels of shape y_pred.shape[:-1], from (N,) or (N, 1) targets of any dtype."""
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    return y_true


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the arg-max class of the prediction equals the integer label."""
    y_pred = _tensors.as_float(y_pred)
    labels = _class_labels(y_true, y_pred)
    predicted = y_pred.argmax(dim=-1)
    if labels.is_floating_point():
        return (labels == predicted.to(labels.dtype)).to(_floatx())
    return (labels.long() == predicted).to(_floatx())


def _in_top_k(labels, y_pred, k):
    """TF's in_top_k: the target is in the top k unless k or more classes score strictly higher.

    Ties at the boundary therefore count as hits, and no sort is needed.
    """
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1).long()
    target = scores.gather(1, labels.clamp(0, scores.shape[-1] - 1).unsqueeze(1))
    higher = (scores > target).sum(dim=1)
    valid = (labels >= 0) & (labels < scores.shape[-1]) & torch.isfinite(target.squeeze(1))
    return (higher < k) & valid


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    labels = _one_hot_argmax(y_true)
    return _in_top_k(labels, y_pred, k).to(_floatx()).reshape(labels.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """`from_sorted_ids=True` (Keras 3.11+): y_pred holds class ids, best first, not scores.

    That form suits models that retrieve their top candidates from a huge set of classes without
    scoring them all; a hit is the label among the first k ids, counted once even if repeated.
    """
    if not isinstance(from_sorted_ids, bool):
        raise TypeError(f"sparse_top_k_categorical_accuracy: `from_sorted_ids` must be True or False, "
                        f"received from_sorted_ids={from_sorted_ids!r}")
    if from_sorted_ids:
        return _in_sorted_ids(y_true, y_pred, k)
    y_pred = _tensors.as_float(y_pred)
    labels = _class_labels(y_true, y_pred)
    return _in_top_k(labels, y_pred, k).to(_floatx()).reshape(labels.shape)


def _in_sorted_ids(y_true, y_pred, k):
    """1 where the label is among the first k ids of its row of y_pred; shaped like y_true."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"sparse_top_k_categorical_accuracy: `k` must be an integer >= 1 with "
                         f"from_sorted_ids=True (how many leading ids count), received k={k!r}")
    ids = _tensors.as_tensor(y_pred)
    if ids.dim() < 2:
        raise ValueError(f"sparse_top_k_categorical_accuracy: with from_sorted_ids=True `y_pred` must hold a "
                         f"row of class ids per sample (rank >= 2), received shape {tuple(ids.shape)}")
    ids = ids.reshape(-1, ids.shape[-1])
    labels = _tensors.as_tensor(y_true, device=ids.device)
    if labels.numel() != ids.shape[0]:
        raise ValueError(f"sparse_top_k_categorical_accuracy: `y_true` has {labels.numel()} labels but `y_pred` "
                         f"has {ids.shape[0]} rows of sorted ids; give one row per label")
    hits = (labels.reshape(-1, 1).to(ids.dtype) == ids[:, :k]).any(dim=1)
    return hits.to(_floatx()).reshape(labels.shape)


# The accuracies' hits as booleans, for MeanMetricWrapper's counting path (same comparisons as above).
def _binary_hits(y_true, y_pred, threshold=0.5):
    if y_true.shape != y_pred.shape or y_pred.dim() not in (1, 2) or (y_pred.dim() == 2 and y_pred.shape[-1] != 1):
        return None
    return y_true == (y_pred > threshold).to(y_true.dtype)


def _categorical_hits(y_true, y_pred):
    if y_pred.dim() != 2 or y_true.shape != y_pred.shape:
        return None
    return _one_hot_argmax(y_true) == y_pred.argmax(dim=-1)


def _one_hot_argmax(y_true):
    """The class of each one-hot target; boolean one-hot arrays (keras-io's addition RNN builds them with
    dtype=bool) are read as 0/1, which torch's argmax needs."""
    return (y_true.to(torch.uint8) if y_true.dtype == torch.bool else y_true).argmax(dim=-1)


def _sparse_categorical_hits(y_true, y_pred):
    if y_pred.dim() != 2:
        return None
    labels = y_true.squeeze(-1) if y_true.dim() == 2 and y_true.shape[-1] == 1 else y_true
    if labels.dim() != 1 or labels.shape[0] != y_pred.shape[0]:
        return None
    predicted = y_pred.argmax(dim=-1)
    return labels == predicted.to(labels.dtype) if labels.is_floating_point() else labels.long() == predicted


count_hits_with(binary_accuracy, _binary_hits)
count_hits_with(categorical_accuracy, _categorical_hits)
count_hits_with(sparse_categorical_accuracy, _sparse_categorical_hits)


class Accuracy(MeanMetricWrapper):
    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {**Metric.get_config(self), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {**Metric.get_config(self), "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        if not isinstance(from_sorted_ids, bool):
            raise TypeError(f"SparseTopKCategoricalAccuracy: `from_sorted_ids` must be True or False, "
                            f"received from_sorted_ids={from_sorted_ids!r}")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        # Keras writes the flag only when set, so default configs stay readable by older Keras.
        config = {**Metric.get_config(self), "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config


_BINARY_LOSSES = (losses.binary_crossentropy, losses.binary_focal_crossentropy)
_SPARSE_LOSSES = (losses.sparse_categorical_crossentropy,)


def _loss_function(loss):
    """The function behind a loss given as a name, a function or a (wrapped) Loss object."""
    if isinstance(loss, str):
        try:
            loss = losses.get(loss)
        except ValueError:
            return None
    if isinstance(loss, (losses.BinaryCrossentropy, losses.BinaryFocalCrossentropy)):
        return losses.binary_crossentropy
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return losses.sparse_categorical_crossentropy
    return getattr(loss, "fn", loss)


def resolve_accuracy(name, loss, output_shape, target_shape=None):
    """The accuracy metric that `name` ('accuracy' or 'acc') means for this loss and output.

    `target_shape`, when known, decides for losses Keras cannot recognise (a custom function):
    integer labels, shape (N,) or (N, 1), against a multi-class output mean sparse accuracy.
    """
    function = _loss_function(loss)
    # A rank-1 output is one scalar per sample: binary, like a (N, 1) output.
    last_dim = (output_shape[-1] if len(output_shape) > 1 else 1) if output_shape else None
    if function in _BINARY_LOSSES or last_dim == 1:
        return BinaryAccuracy(name=name)
    if function in _SPARSE_LOSSES:
        return SparseCategoricalAccuracy(name=name)
    if target_shape is not None and output_shape and (
            len(target_shape) == len(output_shape) - 1 or
            (len(target_shape) == len(output_shape) and target_shape[-1] == 1)) and function not in (
            losses.categorical_crossentropy,):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)
