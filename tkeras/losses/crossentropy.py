"""Crossentropy losses: binary, binary focal, categorical, sparse categorical and generalized (robust).

Probabilities are clipped to [epsilon, 1 - epsilon] before the log, as Keras does. When the
probabilities came straight out of the matching activation (sigmoid for binary, last-axis softmax for
categorical), the loss is computed from the logits that activation recorded instead: a saturated
sigmoid (logit 100) then still gives a finite loss with a useful gradient, and torch runs one fused
kernel. This is what TF-Keras does with its `_keras_logits`.
"""
import warnings

import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.losses import _tensors
from tkeras.losses.loss import LossFunctionWrapper
from tkeras.ops.softmax_crossentropy import softmax_crossentropy_from_logits


def _check_axis(axis, where):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{where}: `axis` must be an int; received axis={axis!r} of type {type(axis).__name__}")


def _mean_axes(axis, where):
    """The axes a binary loss averages over. Its `axis` only picks what to average (there is no class
    axis to normalise over), so Keras takes a tuple or list too, e.g. axis=(1, 2, 3) for per-image
    reconstruction losses."""
    if isinstance(axis, (tuple, list)):
        for each in axis:
            _check_axis(each, where)
        return tuple(axis)
    _check_axis(axis, where)
    return axis


def _is_last_axis(axis, rank):
    return axis == -1 or axis == rank - 1


def _clipped(probabilities):
    eps = config.epsilon()
    return probabilities.clamp(eps, 1.0 - eps)


def _smooth_binary(y_true, label_smoothing):
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y_true


def _binary_elementwise(y_true, y_pred, from_logits):
    """Elementwise binary crossentropy, from logits whenever they are at hand."""
    logits = y_pred if from_logits else _tensors.logits_from(y_pred, "sigmoid")
    if logits is not None:
        return F.binary_cross_entropy_with_logits(logits, y_true, reduction="none")
    return _binary_from_probabilities(y_pred, y_true)


def _binary_from_probabilities(y_pred, y_true):
    """The formula itself, not torch's `binary_cross_entropy`, which rejects targets outside [0, 1]:
    TensorFlow computes -1/1 labels and regression targets given to a classifier by mistake (the loss
    may then be negative), and a notebook with such labels trains under Keras."""
    y_pred = _clipped(y_pred)
    return -(y_true * torch.log(y_pred) + (1.0 - y_true) * torch.log(1.0 - y_pred))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample binary crossentropy: the elementwise value averaged over `axis`."""
    axis = _mean_axes(axis, "binary_crossentropy")
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _smooth_binary(_tensors.true_like(y_true, y_pred), label_smoothing)
    y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
    return _binary_elementwise(y_true, y_pred, from_logits).mean(dim=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled by (1 - p_t)^gamma, so well-classified examples weigh less."""
    axis = _mean_axes(axis, "binary_focal_crossentropy")
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _smooth_binary(_tensors.true_like(y_true, y_pred), label_smoothing)
    y_true, y_pred = _tensors.align_ranks(y_true, y_pred)
    logits = y_pred if from_logits else _tensors.logits_from(y_pred, "sigmoid")
    if logits is not None:
        bce = F.binary_cross_entropy_with_logits(logits, y_true, reduction="none")
        probabilities = torch.sigmoid(logits)
    else:
        bce = _binary_from_probabilities(y_pred, y_true)
        probabilities = y_pred
    p_t = y_true * probabilities + (1.0 - y_true) * (1.0 - probabilities)
    focal = torch.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return focal.mean(dim=axis)


def _warn_single_class(y_pred, axis, name):
    if y_pred.dim() and y_pred.shape[axis] == 1:
        warnings.warn(f"In loss {name}, expected y_pred of shape (batch_size, num_classes) with "
                      f"num_classes > 1; received y_pred.shape={tuple(y_pred.shape)}. Consider "
                      f"'binary_crossentropy' for two classes.", SyntaxWarning, stacklevel=3)


def _logits_of(y_pred, from_logits, axis):
    """The logits behind `y_pred`: itself with from_logits, else those a last-axis softmax recorded."""
    if from_logits:
        return y_pred
    if _is_last_axis(axis, y_pred.dim()):
        return _tensors.logits_from(y_pred, "softmax")
    return None


def _log_probabilities(y_pred, from_logits, axis):
    """log p over the class axis: log_softmax of the logits when known, else log of clipped p."""
    logits = _logits_of(y_pred, from_logits, axis)
    if logits is not None:
        return torch.log_softmax(logits, dim=axis)
    normalized = y_pred / y_pred.sum(dim=axis, keepdim=True)
    return torch.log(_clipped(normalized))


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample crossentropy between one-hot (or soft) targets and class probabilities."""
    _check_axis(axis, "categorical_crossentropy")
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _tensors.true_like(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_crossentropy: y_true and y_pred must have the same shape; received "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. For integer class "
            f"labels use 'sparse_categorical_crossentropy'.")
    _warn_single_class(y_pred, axis, "categorical_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    logits = _logits_of(y_pred, from_logits, axis)
    if logits is not None:
        # TensorFlow's fused kernel and its gradient (softmax - y_true), as tf-keras 2 trains with.
        return softmax_crossentropy_from_logits(y_true, logits, axis)
    return -(y_true * _log_probabilities(y_pred, from_logits, axis)).sum(dim=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical crossentropy scaled per class by alpha * (1 - p)^gamma."""
    _check_axis(axis, "categorical_focal_crossentropy")
    y_pred = _tensors.as_prediction(y_pred)
    y_true = _tensors.true_like(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    log_p = _log_probabilities(y_pred, from_logits, axis)
    probabilities = torch.exp(log_p)
    focal = -y_true * alpha * torch.pow(1.0 - probabilities, gamma) * log_p
    return focal.sum(dim=axis)


def _sparse_labels(y_true, y_pred, axis):
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    if y_true.dim() == y_pred.dim() and y_true.shape[axis] == 1:
        y_true = y_true.squeeze(axis)
    expected = tuple(d for i, d in enumerate(y_pred.shape) if i != axis % y_pred.dim())
    if tuple(y_true.shape) != expected:
        raise ValueError(
            f"sparse_categorical_crossentropy: y_true must hold one class index per sample, of shape "
            f"{expected} (or {expected + (1,)}); received y_true.shape={tuple(y_true.shape)} for "
            f"y_pred.shape={tuple(y_pred.shape)}. For one-hot targets use 'categorical_crossentropy'.")
    return y_true.long()


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy with integer class labels; never builds the one-hot matrix (fused torch kernels)."""
    _check_axis(axis, "sparse_categorical_crossentropy")
    y_pred = _tensors.as_prediction(y_pred)
    labels = _sparse_labels(y_true, y_pred, axis)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = torch.where(valid, labels, torch.zeros_like(labels))
    logits = y_pred if from_logits else None
    if logits is None and _is_last_axis(axis, y_pred.dim()):
        logits = _tensors.logits_from(y_pred, "softmax")
    scores = logits if logits is not None else y_pred
    if scores.dim() == 1:
        scores, labels_2d = scores.unsqueeze(0), labels.unsqueeze(0)
    else:
        scores, labels_2d = scores.movedim(axis % scores.dim(), 1), labels
    try:
        if logits is not None:
            result = F.cross_entropy(scores, labels_2d, reduction="none")
        else:
            log_p = torch.log(_clipped(scores / scores.sum(dim=1, keepdim=True)))
            result = F.nll_loss(log_p, labels_2d, reduction="none")
    except IndexError:  # torch's "Target 9 is out of bounds."
        raise _label_range_error(labels, scores.shape[1]) from None
    result = result.reshape(labels.shape)
    if valid is not None:
        result = torch.where(valid, result, torch.zeros_like(result))
        result._keras_mask = valid
    return result


def _label_range_error(labels, classes):
    outside = labels[(labels < 0) | (labels >= classes)]
    shown = outside.unique()[:5].tolist()
    return ValueError(f"sparse_categorical_crossentropy: every label must be a class index in [0, {classes}) "
                      f"(y_pred has {classes} classes); received label value(s) {shown}. Check the number of "
                      f"units of the output layer, or pass ignore_class for a padding label.")


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p_true^q) / q for integer labels: crossentropy as q -> 0, MAE-like (robust to noisy labels)
    as q -> 1 (Zhang & Sabuncu, 2018). A label outside [0, num_classes) has p_true = 0, as in Keras."""
    y_pred = _tensors.as_prediction(y_pred)
    labels = _tensors.as_tensor(y_true, device=y_pred.device)
    if labels.dim() == y_pred.dim() and labels.dim() > 1 and labels.shape[-1] == 1:
        labels = labels.squeeze(-1)  # (N, 1) labels for (N, C) scores
    classes = torch.arange(y_pred.shape[-1], device=y_pred.device)
    one_hot = (labels.long().unsqueeze(-1) == classes).to(y_pred.dtype)
    p_true = (y_pred * one_hot).sum(dim=-1)
    return (1.0 - torch.pow(p_true, q)) / q


class BinaryCrossentropy(LossFunctionWrapper):
    elementwise = True

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    elementwise = True

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        # The function's arguments in the order Keras 3 writes them into the config.
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma)
        self.apply_class_balancing = apply_class_balancing
        self.alpha, self.gamma = alpha, gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None):
        # The function's arguments in the order Keras 3 writes them into the config.
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis,
                         alpha=alpha, gamma=gamma)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    # tf-keras 2's positional order (name fourth); Keras 3 puts axis fourth, then name and dtype. Keras 3
    # code passes those by keyword as a rule; an integer in the fourth place can only be Keras 3's axis,
    # and is read so (with the next two places read as Keras 3's name and dtype).
    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None, axis=-1):
        if isinstance(name, int) and not isinstance(name, bool):
            if isinstance(axis, int) and axis != -1:
                raise TypeError(f"SparseCategoricalCrossentropy: got axis twice ({name!r} in the fourth place "
                                f"and axis={axis!r})")
            keras3_dtype = None if isinstance(axis, int) else axis
            name, dtype, axis = dtype or "sparse_categorical_crossentropy", keras3_dtype, name
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def call(self, y_true, y_pred):
        # Labels are class indices, not values to line up with y_pred: no rank alignment here.
        return self.fn(y_true, y_pred, **self._fn_kwargs)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: `q` must lie in the open interval (0, 1); "
                             f"received q={q!r}")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction, dtype=dtype, q=q)
        self.q = q

    def call(self, y_true, y_pred):
        # Labels are class indices, not values to line up with y_pred: no rank alignment here.
        return self.fn(y_true, y_pred, **self._fn_kwargs)
