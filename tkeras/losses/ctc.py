"""CTC: the connectionist temporal classification loss for unaligned label sequences (speech, OCR).

`y_true` is (batch, max_label_length) integer labels padded with 0, which is also the blank class;
`y_pred` is (batch, time, classes) scores, turned into log-probabilities with a log-softmax as
Keras does, so logits and probabilities are both accepted. Every sample uses all time steps.
torch's fused `ctc_loss` kernel does the dynamic programme; it takes the label lengths on the host,
so on a GPU each call reads them back once (Keras' torch backend does the same).
"""
import torch
import torch.nn.functional as F

from tkeras.losses import _tensors
from tkeras.losses.loss import Loss, LossFunctionWrapper

_BLANK = 0


def ctc(y_true, y_pred):
    """One negative log-likelihood per sample, summed over every alignment of its label sequence."""
    y_pred = _tensors.as_float(y_pred)
    y_true = _tensors.as_tensor(y_true, device=y_pred.device)
    if y_true.dim() != 2:
        raise ValueError(f"ctc: y_true must be integer labels of shape (batch_size, max_label_length); received "
                         f"y_true.shape={tuple(y_true.shape)}")
    if y_pred.dim() != 3:
        raise ValueError(f"ctc: y_pred must be scores of shape (batch_size, time_steps, num_classes); received "
                         f"y_pred.shape={tuple(y_pred.shape)}")
    if y_pred.dtype in (torch.float16, torch.bfloat16):
        y_pred = y_pred.float()  # as tf.nn.ctc_loss, half inputs are computed in float32
    labels = y_true.long()
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    label_lengths = (labels != _BLANK).sum(dim=-1)
    input_lengths = torch.full((batch,), steps, dtype=torch.long, device=y_pred.device)
    log_probs = torch.log_softmax(y_pred, dim=-1).transpose(0, 1)  # (time, batch, classes)
    return F.ctc_loss(log_probs, labels, input_lengths, label_lengths, blank=_BLANK, reduction="none")


class CTC(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        # Labels are sequences, not values to line up with y_pred: no rank alignment.
        return self.fn(y_true, y_pred)

    def get_config(self):
        return Loss.get_config(self)
