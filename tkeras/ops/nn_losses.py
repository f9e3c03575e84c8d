"""The loss building blocks of `keras.ops.nn`: crossentropies on probabilities or logits, CTC loss and
greedy decoding, and PSNR.

Probabilities are clipped to [epsilon, 1 - epsilon] before the log, as Keras does, so a saturated
output gives a large finite loss rather than inf; logits go through torch's fused, stable kernels.
"""
import numpy as np
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input


def _same_shape(op, target, output):
    if target.shape != output.shape:
        raise ValueError(f"{op}: 'target' and 'output' must have the same shape, received {tuple(target.shape)} "
                         f"and {tuple(output.shape)}")


@user_op
def binary_crossentropy(target, output, from_logits=False):
    output = _float_input(output)
    target = tensor(target).to(output.dtype)
    _same_shape("binary_crossentropy", target, output)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))


def _log_probabilities(output, axis, from_logits):
    if from_logits:
        return torch.log_softmax(output, dim=axis)
    eps = config.epsilon()
    output = output / torch.sum(output, dim=axis, keepdim=True)
    return torch.log(torch.clamp(output, eps, 1.0 - eps))


@user_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_input(output)
    target = tensor(target).to(output.dtype)
    _same_shape("categorical_crossentropy", target, output)
    return -torch.sum(target * _log_probabilities(output, int(axis), from_logits), dim=int(axis))


@user_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float_input(output)
    half = output.dtype in (torch.float16, torch.bfloat16)  # computed in half, returned as float32 (Keras)
    target = tensor(target).long()
    if target.dim() == output.dim() and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if target.shape != output.shape[:-1] or int(axis) not in (-1, output.dim() - 1):
        raise ValueError(f"sparse_categorical_crossentropy: 'target' of shape {tuple(target.shape)} must be "
                         f"'output' of shape {tuple(output.shape)} without its class axis (the last)")
    log_p = _log_probabilities(output, -1, from_logits)
    loss = -torch.gather(log_p, -1, target.unsqueeze(-1)).squeeze(-1)
    return loss.float() if half else loss


@user_op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss of logits `output` (batch, time, classes) for labels `target` (batch, length);
    half-precision logits are taken as float32 (torch has no half CTC on CPU; Keras returns float32)."""
    output = _float_input(output)
    if output.dtype in (torch.float16, torch.bfloat16):
        output = output.float()
    target = tensor(target).long()
    if output.dim() != 3 or target.dim() != 2 or target.shape[0] != output.shape[0]:
        raise ValueError(f"ctc_loss: expected 'output' (batch, time, classes) and 'target' (batch, length) with "
                         f"the same batch, received {tuple(output.shape)} and {tuple(target.shape)}")
    target_length = tensor(target_length).long()
    _check_ctc_labels(target, target_length, output.shape[-1])
    log_probs = torch.log_softmax(output, dim=-1).transpose(0, 1)
    return F.ctc_loss(log_probs, target, tensor(output_length).long(), target_length,
                      blank=int(mask_index), reduction="none")


def _check_ctc_labels(target, target_length, classes):
    """torch's CTC reads `log_probs[label]` unchecked: a label outside [0, classes) would read other memory
    (garbage losses, or a crash). The labels within each sample's length must be classes."""
    within = torch.arange(target.shape[1], device=target.device).unsqueeze(0) < \
        target_length.to(target.device).reshape(-1, 1)
    bad = within & ((target < 0) | (target >= classes))
    if bad.any():
        row = int(bad.any(dim=1).nonzero()[0, 0])
        raise ValueError(f"ctc_loss: the labels must be class indices in [0, {classes}) ('output' has {classes} "
                         f"classes); sample {row} has {target[row][bad[row]].tolist()} within its target_length")


@user_op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """(decoded (top_paths, batch, time) padded with -1, scores (batch, top_paths)).

    'greedy' takes the best class per step (scores: minus the sum of the chosen logits, as Keras);
    'beam_search' is a CTC prefix beam search over log-softmax probabilities (scores: the paths' log
    probabilities). The beam search runs on the host, one sequence at a time.
    """
    if strategy == "beam_search":
        return _beam_search(_float_input(inputs), sequence_lengths, int(beam_width), int(top_paths), mask_index)
    if strategy != "greedy":
        raise ValueError(f"ctc_decode: argument 'strategy' must be 'greedy' or 'beam_search', received {strategy!r}")
    inputs = _float_input(inputs)
    if inputs.dim() != 3:
        raise ValueError(f"ctc_decode: 'inputs' must be (batch, time, classes), received {tuple(inputs.shape)}")
    batch, steps, _ = inputs.shape
    blank = int(mask_index) if mask_index is not None else inputs.shape[-1] - 1
    scores, labels = torch.max(inputs, dim=-1)
    beyond = torch.arange(steps, device=inputs.device).unsqueeze(0) >= tensor(sequence_lengths).to(
        inputs.device).reshape(-1, 1)
    labels = torch.where(beyond, torch.full_like(labels, blank), labels)
    scores = torch.where(beyond, torch.zeros_like(scores), scores)
    if merge_repeated:
        repeated = torch.zeros_like(labels, dtype=torch.bool)
        repeated[:, 1:] = labels[:, 1:] == labels[:, :-1]
        labels = torch.where(repeated, torch.full_like(labels, blank), labels)
    dropped = labels == blank
    # Kept labels first, in time order (a stable sort on the "dropped" flag), then -1 padding.
    order = torch.argsort(dropped.to(torch.int8), dim=1, stable=True)
    labels = torch.where(dropped, torch.full_like(labels, -1), labels)
    decoded = torch.gather(labels, 1, order).to(torch.int32)
    return decoded.unsqueeze(0), -torch.sum(scores, dim=1, keepdim=True)


def _beam_search(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    if inputs.dim() != 3:
        raise ValueError(f"ctc_decode: 'inputs' must be (batch, time, classes), received {tuple(inputs.shape)}")
    batch, steps, classes = inputs.shape
    if not 1 <= top_paths <= beam_width:
        raise ValueError(f"ctc_decode: 'top_paths' ({top_paths}) must be between 1 and 'beam_width' ({beam_width})")
    blank = int(mask_index) if mask_index is not None else classes - 1
    log_probs = torch.log_softmax(inputs.double(), dim=-1).cpu().numpy()
    lengths = np.asarray(tensor(sequence_lengths).cpu()).reshape(-1)
    decoded = np.full((top_paths, batch, steps), -1, dtype=np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        for rank, (prefix, score) in enumerate(_prefix_beams(log_probs[b, :int(lengths[b])], blank, beam_width)
                                               [:top_paths]):
            decoded[rank, b, :len(prefix)] = prefix
            scores[b, rank] = score
    device = inputs.device
    return (torch.as_tensor(decoded, device=device),
            torch.as_tensor(scores, dtype=inputs.dtype, device=device))


def _prefix_beams(log_probs, blank, beam_width):
    """[(labels, log probability)] best first; each prefix carries the log probability of its paths that
    end in a blank and of those that end in its last label (so repeats collapse correctly)."""
    beams = {(): (0.0, -np.inf)}  # prefix -> (ends in blank, ends in label)
    for step in log_probs:
        extended = {}

        def add(prefix, blank_part, label_part):
            old_blank, old_label = extended.get(prefix, (-np.inf, -np.inf))
            extended[prefix] = (np.logaddexp(old_blank, blank_part), np.logaddexp(old_label, label_part))

        for prefix, (ends_blank, ends_label) in beams.items():
            total = np.logaddexp(ends_blank, ends_label)
            add(prefix, total + step[blank], -np.inf)
            for label in range(len(step)):
                if label == blank:
                    continue
                if prefix and prefix[-1] == label:
                    add(prefix, -np.inf, ends_label + step[label])  # the same label again: collapses
                    add(prefix + (label,), -np.inf, ends_blank + step[label])  # separated by a blank: a new one
                else:
                    add(prefix + (label,), -np.inf, total + step[label])
        ranked = sorted(extended.items(), key=lambda item: -np.logaddexp(*item[1]))
        beams = dict(ranked[:beam_width])
    return [(prefix, float(np.logaddexp(*parts))) for prefix, parts in
            sorted(beams.items(), key=lambda item: -np.logaddexp(*item[1]))]


@user_op
def psnr(x1, x2, max_val):
    x1, x2 = _float_input(x1), _float_input(x2)
    if x1.shape != x2.shape:
        raise ValueError(f"psnr: 'x1' and 'x2' must have the same shape, received {tuple(x1.shape)} and "
                         f"{tuple(x2.shape)}")
    mse = torch.mean(torch.square(x1 - x2.to(x1.dtype)))
    peak = torch.as_tensor(float(max_val), dtype=x1.dtype, device=x1.device)
    return 20.0 * torch.log10(peak) - 10.0 * torch.log10(mse)
