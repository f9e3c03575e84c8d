"""`tf.nn` CTC decoding (greedy and beam search), CTC loss with SparseTensor labels, and the label helpers
OCR and speech tutorials call (`collapse_repeated`, `ctc_unique_labels`).

Decoders return what TensorFlow returns: a list of `tf.SparseTensor` (int64 indices/values, dense shape
[batch, longest decoding]) and a float32 score per example and path. The beam search replays TensorFlow's
prefix beam search step by step (same pruning and tie order), because OCR tutorials print the decoded
strings and a different beam bookkeeping would decode different text on ambiguous inputs.
"""
import math

import numpy as np
import torch

from tkeras.compat.tf_namespace import errors
from tkeras.compat.tf_namespace._nn_extra import ctc_loss as _dense_ctc_loss
from tkeras.compat.tf_namespace.sparse import SparseTensor
from tkeras.ops.core import for_user, tensor, user_op

_ZERO = -math.inf  # log(0)


def _logsumexp(a, b):
    if a == _ZERO:
        return b
    if b == _ZERO:
        return a
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


def _sparse_paths(paths, batch):
    """Label sequences of every example -> one SparseTensor, as TensorFlow lays decoded paths out."""
    indices = [[b, i] for b, path in enumerate(paths) for i in range(len(path))]
    values = [v for path in paths for v in path]
    width = max((len(p) for p in paths), default=0)
    return SparseTensor(torch.tensor(indices, dtype=torch.int64).reshape(-1, 2),
                        torch.tensor(values, dtype=torch.int64), torch.tensor([batch, width], dtype=torch.int64))


def _lengths(sequence_length, batch, max_time, op):
    lengths = tensor(sequence_length).reshape(-1).to(torch.int64).tolist()
    if len(lengths) != batch:
        raise errors.op_error(errors.InvalidArgumentError, f"len(sequence_length) != batch_size.  len(sequence_length):"
                              f"  {len(lengths)} batch_size: {batch}", op)
    for b, n in enumerate(lengths):
        if n > max_time:
            raise errors.op_error(errors.InvalidArgumentError, f"sequence_length({b}) <= {max_time}", op)
    return lengths


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """Best class per frame, blanks dropped (and repeats merged): the decoding Keras' OCR example uses."""
    logits = tensor(inputs).detach()
    max_time, batch, classes = logits.shape
    blank = classes - 1 if blank_index is None else int(blank_index) % classes
    lengths = _lengths(sequence_length, batch, max_time, "CTCGreedyDecoder")
    best = logits.max(-1)  # first maximum on ties, like TensorFlow's scan
    picks, scores = best.indices.cpu().tolist(), best.values.float().cpu()
    paths, neg_sums = [], []
    for b in range(batch):
        path, previous = [], -1
        for t in range(lengths[b]):
            label = picks[t][b]
            if label != blank and not (merge_repeated and label == previous):
                path.append(label)
            previous = label
        paths.append(path)
        neg_sums.append(-float(scores[:lengths[b], b].sum()))
    return [_sparse_paths(paths, batch)], for_user(tensor(np.array(neg_sums, np.float32).reshape(batch, 1)))


class _Beam:
    """A prefix in the search tree: probabilities of ending in a blank / in its label, now and one step back."""
    __slots__ = ("parent", "label", "children", "old", "new")

    def __init__(self, parent, label):
        self.parent, self.label, self.children = parent, label, {}
        self.old = [_ZERO, _ZERO, _ZERO]  # blank, label, total
        self.new = [_ZERO, _ZERO, _ZERO]

    def active(self):
        return self.new[2] != _ZERO

    def child(self, label):
        if label not in self.children:
            self.children[label] = _Beam(self, label)
        return self.children[label]

    def labels(self):
        path, node = [], self
        while node.parent is not None:
            path.append(node.label)
            node = node.parent
        return path[::-1]


class _Leaves:
    """The beam: at most `width` prefixes ranked by their current total, where ranking reads live values
    (the search lowers a dropped prefix's probability after it was ranked, as TensorFlow's does)."""

    def __init__(self, width):
        self.width, self.items = width, []

    def bottom(self):
        return min(self.items, key=lambda e: e.new[2])

    def push(self, entry):
        if len(self.items) < self.width:
            self.items.append(entry)
            return
        low = self.bottom()
        if entry.new[2] > low.new[2]:
            self.items[self.items.index(low)] = entry

    def extract(self):
        items = sorted(self.items, key=lambda e: -e.new[2])
        self.items = []
        return items


def _beam_step(leaves, row, classes, width):
    """One frame of log-softmax scores: extend every prefix in the beam, then grow children."""
    blank = classes - 1
    branches = leaves.extract()
    for b in branches:
        b.old = list(b.new)
    for b in branches:
        if b.parent is not None:
            if b.parent.active():
                previous = b.parent.old[0] if b.label == b.parent.label else b.parent.old[2]
                b.new[1] = _logsumexp(b.new[1], previous)
            b.new[1] += row[b.label]
        b.new[0] = b.old[2] + row[blank]
        b.new[2] = _logsumexp(b.new[0], b.new[1])
        leaves.push(b)

    def candidate(total):
        return total > _ZERO and (len(leaves.items) < width or total > leaves.bottom().new[2])

    for b in branches:
        if not candidate(b.old[2]):
            continue
        for label in range(classes - 1):
            c = b.child(label)
            if c.active():
                continue
            previous = b.old[0] if label == b.label else b.old[2]
            c.new = [_ZERO, row[label] + previous, 0.0]
            c.new[2] = c.new[1]
            if candidate(c.new[2]):
                if len(leaves.items) == width:
                    leaves.bottom().new = [_ZERO, _ZERO, _ZERO]
                leaves.push(c)
            else:
                c.old = [_ZERO, _ZERO, _ZERO]
                c.new = [_ZERO, _ZERO, _ZERO]


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1):
    """The `top_paths` most probable label sequences (blank is the last class; repeats separated by a blank
    are kept), with their log-probabilities."""
    logits = tensor(inputs).detach().float()
    max_time, batch, classes = logits.shape
    width, top_paths = int(beam_width), int(top_paths)
    lengths = _lengths(sequence_length, batch, max_time, "CTCBeamSearchDecoder")
    if top_paths > width:
        raise errors.op_error(errors.InvalidArgumentError, "requested more paths than the beam width.",
                              "CTCBeamSearchDecoder")
    log_probs = torch.log_softmax(logits, -1).cpu().numpy().astype(np.float64)
    per_path = [[] for _ in range(top_paths)]
    scores = np.zeros((batch, top_paths), np.float32)
    for b in range(batch):
        root = _Beam(None, -1)
        root.new = [0.0, _ZERO, 0.0]
        leaves = _Leaves(width)
        leaves.push(root)
        for t in range(lengths[b]):
            _beam_step(leaves, log_probs[t, b].tolist(), classes, width)
        ranked = leaves.extract()
        if top_paths > len(ranked):
            raise errors.op_error(errors.InvalidArgumentError, "Less leaves in the beam search than requested.",
                                  "CTCBeamSearchDecoder")
        for i in range(top_paths):
            per_path[i].append(ranked[i].labels())
            scores[b, i] = ranked[i].new[2]
    return [_sparse_paths(paths, batch) for paths in per_path], for_user(tensor(scores))


def _dense_labels(labels):
    """A SparseTensor of label sequences -> (padded [batch, longest] labels, per-row lengths)."""
    indices = labels._indices.cpu()
    values = labels._values.cpu().to(torch.int64)
    batch = int(labels._dense_shape[0])
    lengths = torch.zeros(batch, dtype=torch.int64)
    if indices.shape[0]:
        lengths.scatter_reduce_(0, indices[:, 0], indices[:, 1] + 1, reduce="amax")
    dense = torch.zeros((batch, max(int(lengths.max()) if batch else 0, 1)), dtype=torch.int64)
    if indices.shape[0]:
        dense[indices[:, 0], indices[:, 1]] = values
    return dense, lengths


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """TensorFlow's ctc_loss, also taking labels as a SparseTensor (then `label_length` may be None and
    `blank_index` must be given, as TensorFlow requires)."""
    if isinstance(labels, SparseTensor):
        if blank_index is None:
            raise ValueError("blank_index must be given when using SparseTensor labels.")
        labels, label_length = _dense_labels(labels)
    return _dense_ctc_loss(labels, logits, label_length, logit_length, logits_time_major, unique, blank_index)


@user_op
def collapse_repeated(labels, seq_length, name=None):
    """Runs of one label become one label: returns the left-packed labels (zero padded) and new lengths."""
    x = tensor(labels)
    lengths = tensor(seq_length).reshape(-1).tolist()
    rows, new_lengths = [], []
    for row, n in zip(x.cpu().tolist(), lengths):
        kept = [v for i, v in enumerate(row[:int(n)]) if i == 0 or v != row[i - 1]]
        rows.append(kept)
        new_lengths.append(len(kept))
    width = max(new_lengths, default=0)
    out = torch.zeros((x.shape[0], width), dtype=x.dtype)
    for i, kept in enumerate(rows):
        out[i, :len(kept)] = torch.tensor(kept, dtype=x.dtype)
    return out.to(x.device), torch.tensor(new_lengths, dtype=tensor(seq_length).dtype, device=x.device)


@user_op
def ctc_unique_labels(labels, name=None):
    """Per row: the distinct labels in first-seen order (zero padded, int64) and each position's index
    into them (int32), the form `ctc_loss(unique=...)` accepts."""
    x = tensor(labels)
    uniques = torch.zeros(x.shape, dtype=torch.int64)
    index = torch.zeros(x.shape, dtype=torch.int32)
    for i, row in enumerate(x.cpu().tolist()):
        seen = {}
        for j, v in enumerate(row):
            index[i, j] = seen.setdefault(v, len(seen))
        uniques[i, :len(seen)] = torch.tensor(list(seen), dtype=torch.int64)
    return uniques.to(x.device), index.to(x.device)
