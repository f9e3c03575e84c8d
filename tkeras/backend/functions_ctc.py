"""Keras 2's CTC helpers (`K.ctc_batch_cost`, `K.ctc_decode`, `K.ctc_label_dense_to_sparse`), as the
Keras 2 OCR and speech tutorials use them inside a Lambda layer or a custom loss.

Unlike Keras 3's `ops.ctc_loss`, these take softmax *probabilities* (batch, time, classes) with the
blank as the *last* class, and lengths as (batch, 1) columns; the probabilities are turned back into
log-probabilities (`log(p + epsilon)`) as tf-keras does, then `tkeras.ops`' CTC does the work.
"""
import torch

from tkeras.backend import config
from tkeras.backend.functions import _t
from tkeras.backend.keras_tensor import record_in_graphs


def _log_probabilities(y_pred):
    y_pred = _t(y_pred)
    if y_pred.dim() != 3:
        raise ValueError(f"K.ctc: 'y_pred' must be softmax outputs of shape (batch, time, classes), received shape "
                         f"{tuple(y_pred.shape)}")
    y_pred = y_pred if y_pred.is_floating_point() else y_pred.to(config.standardize_dtype(None))
    return torch.log(y_pred + config.epsilon())


def _column(name, value):
    value = _t(value).long()
    if value.dim() == 2 and value.shape[1] == 1:
        return value[:, 0]
    if value.dim() == 1:
        return value
    raise ValueError(f"K.ctc_batch_cost: {name!r} must be of shape (batch, 1), received {tuple(value.shape)}")


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """(batch, 1) CTC losses of the padded labels `y_true` under the softmax outputs `y_pred`."""
    from tkeras.ops import nn_losses
    log_probs = _log_probabilities(y_pred)
    blank = log_probs.shape[-1] - 1
    labels, lengths = _labels_before_padding(_t(y_true).long(), _column("label_length", label_length), blank)
    loss = nn_losses.ctc_loss(labels, log_probs, lengths, _column("input_length", input_length), mask_index=blank)
    return loss.unsqueeze(1)


def _labels_before_padding(labels, lengths, blank):
    """TensorFlow 1's CTC reads a label >= num_classes - 1 (the blank, or any larger padding token, as
    keras-io's handwriting OCR pads with 99) as the end of the sequence: the loss covers the labels
    before it, and a real label after one is an error. Returns the labels (padding replaced by 0, a
    valid class) and those shortened lengths."""
    if labels.dim() != 2:
        raise ValueError(f"K.ctc_batch_cost: 'y_true' must be labels of shape (batch, max_length), received "
                         f"shape {tuple(labels.shape)}")
    if (labels < 0).any():
        raise ValueError("K.ctc_batch_cost: 'y_true' holds a negative label; labels are class indices from 0")
    within = torch.arange(labels.shape[1], device=labels.device).unsqueeze(0) < lengths.to(labels.device).unsqueeze(1)
    padding = (labels >= blank) & within
    if not padding.any():
        return labels, lengths
    position = torch.arange(labels.shape[1], device=labels.device).expand_as(labels)
    first_padding = torch.where(padding, position, lengths.to(labels.device).unsqueeze(1)).min(dim=1).values
    after = within & ~padding & (position > first_padding.unsqueeze(1))
    if after.any():
        row = int(after.any(dim=1).nonzero()[0, 0])
        raise ValueError(f"K.ctc_batch_cost: sample {row} has a real label after a label >= num_classes - 1 "
                         f"({blank}, the blank, which ends a label sequence): {labels[row].tolist()}")
    return torch.where(labels >= blank, torch.zeros_like(labels), labels), first_padding


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """([decoded (batch, time) padded with -1] per path, log probabilities (batch, top_paths)).

    Greedy decoding's score is minus the sum of the best log-probability of each step, as TensorFlow's.
    """
    from tkeras.ops import nn_losses
    log_probs = _log_probabilities(y_pred)
    blank = log_probs.shape[-1] - 1
    lengths = _t(input_length).reshape(-1)
    if greedy:
        decoded, scores = nn_losses.ctc_decode(log_probs, lengths, "greedy", mask_index=blank)
    else:
        decoded, scores = nn_losses.ctc_decode(log_probs, lengths, "beam_search", beam_width=beam_width,
                                               top_paths=top_paths, mask_index=blank)
    return [decoded[i].long() for i in range(decoded.shape[0])], scores


def ctc_label_dense_to_sparse(labels, label_lengths):
    """Padded labels (batch, max_length) -> a sparse tensor holding each row's first `label_lengths` labels."""
    labels, lengths = _t(labels), _t(label_lengths).reshape(-1).long()
    keep = torch.arange(labels.shape[1], device=labels.device).unsqueeze(0) < lengths.unsqueeze(1)
    indices = keep.nonzero().T  # (2, n) row-major, as TensorFlow orders them
    return torch.sparse_coo_tensor(indices, labels[keep], tuple(labels.shape), check_invariants=True)


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "ctc_batch_cost"
])
