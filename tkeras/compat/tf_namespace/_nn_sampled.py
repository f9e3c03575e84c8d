"""`tf.nn.nce_loss`, `tf.nn.sampled_softmax_loss` and `tf.nn.compute_accidental_hits`: the word2vec-era
losses that score the true classes against a few sampled negatives instead of the whole vocabulary.

Both losses build the same logits TensorFlow does (true logits first, then the sampled ones, corrected by
the log of each class's expected count) so that a script passing its own `sampled_values` gets TensorFlow's
numbers exactly; only the sampler's draw itself comes from torch's generator.
"""
import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op

# what TensorFlow adds to a sampled logit that is really a true class (the lowest finite float32)
_HIT_WEIGHT = -torch.finfo(torch.float32).max


def _sampler(name):
    from tkeras.compat.tf_namespace import random
    return getattr(random, name)


def _hits(true, sampled):
    """(rows, positions) of sampled candidates equal to a true class. A class drawn more than once is matched
    at its last position only, which is what TensorFlow's kernel does (it keys a map by candidate)."""
    position = {}
    for j, candidate in enumerate(sampled.tolist()):
        position[candidate] = j
    rows, ids = [], []
    for i, row in enumerate(true.tolist()):
        for label in row:
            if label in position:
                rows.append(i)
                ids.append(position[label])
    return rows, ids


@user_op
def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    true = tensor(true_classes).to(torch.int64)
    sampled = tensor(sampled_candidates).to(torch.int64).reshape(-1)
    if true.dim() != 2 or true.shape[1] != int(num_true):
        from tkeras.compat.tf_namespace import errors
        raise errors.op_error(errors.InvalidArgumentError, f"true_classes must have num_true columns, expected: "
                              f"{true.shape[-1] if true.dim() else 0} was: {int(num_true)}", "ComputeAccidentalHits")
    rows, ids = _hits(true.cpu(), sampled.cpu())
    device = true.device
    return (torch.tensor(rows, dtype=torch.int32, device=device), torch.tensor(ids, dtype=torch.int64, device=device),
            torch.full((len(rows),), _HIT_WEIGHT, dtype=torch.float32, device=device))


def _rows(params, ids):
    """Rows of a table, or of TensorFlow 2's sharded table: a list of shards split with the "div" strategy,
    i.e. contiguous id ranges, so the shards simply stack."""
    if isinstance(params, (list, tuple)):
        table = torch.cat([tensor(p) for p in params]) if len(params) > 1 else tensor(params[0])
    else:
        table = tensor(params)
    return table[ids.to(table.device)]


def _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
                    subtract_log_q, remove_accidental_hits, seed, api):
    inputs = tensor(inputs)
    labels = tensor(labels).to(torch.int64)
    if labels.dim() == 1:
        labels = labels.reshape(-1, int(num_true))
    if labels.dim() != 2 or labels.shape[1] != int(num_true):
        from tkeras.compat.tf_namespace import errors
        # TensorFlow's sampler words it with the two numbers this way round
        raise errors.op_error(errors.InvalidArgumentError, f"true_classes must have num_true columns, expected: "
                              f"{labels.shape[-1]} was: {int(num_true)}", "LogUniformCandidateSampler")
    if sampled_values is None:
        sampled_values = _sampler("log_uniform_candidate_sampler")(labels, num_true, num_sampled, True, num_classes,
                                                                   seed=seed)
    sampled, true_expected, sampled_expected = (tensor(v).detach() for v in sampled_values)
    sampled = sampled.to(torch.int64).reshape(-1)
    flat_labels = labels.reshape(-1)
    n_true = flat_labels.shape[0]
    all_ids = torch.cat([flat_labels, sampled.to(flat_labels.device)])
    all_w = _rows(weights, all_ids).to(inputs.dtype)
    all_b = _rows(biases, all_ids).to(inputs.dtype)
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    # each example against each of its num_true classes, then against every sampled class
    true_logits = (inputs.unsqueeze(1) * true_w.reshape(-1, int(num_true), true_w.shape[-1])).sum(-1)
    true_logits = true_logits + true_b.reshape(-1, int(num_true))
    sampled_logits = inputs @ sampled_w.t() + sampled_b
    if remove_accidental_hits:
        rows, ids = _hits(labels.cpu(), sampled.cpu())
        if rows:
            # assigned, not summed: a class listed twice among the true ones still adds the weight once
            mask = torch.zeros(sampled_logits.shape, dtype=sampled_logits.dtype, device=sampled_logits.device)
            mask[torch.tensor(rows), torch.tensor(ids)] = _HIT_WEIGHT
            sampled_logits = sampled_logits + mask
    if subtract_log_q:
        true_logits = true_logits - torch.log(true_expected.to(true_logits.dtype).to(true_logits.device))
        sampled_logits = sampled_logits - torch.log(sampled_expected.to(true_logits.dtype).to(true_logits.device))
    logits = torch.cat([true_logits, sampled_logits], 1)
    targets = torch.cat([torch.full_like(true_logits, 1.0 / int(num_true)), torch.zeros_like(sampled_logits)], 1)
    return logits, targets


@user_op
def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, name="nce_loss"):
    """One binary logistic loss per example: true classes as positives (each weighted 1/num_true), sampled
    classes as negatives."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, True, remove_accidental_hits, None, "nce_loss")
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return losses.sum(1)


@user_op
def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True, seed=None, name="sampled_softmax_loss"):
    """Softmax cross-entropy over the true classes plus the sampled ones; train-time only, as in
    TensorFlow (evaluate with the full softmax)."""
    logits, targets = _sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                      sampled_values, True, remove_accidental_hits, seed, "sampled_softmax_loss")
    return -(targets * F.log_softmax(logits, dim=1)).sum(1)
