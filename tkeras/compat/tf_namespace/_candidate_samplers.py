"""`tf.random.*_candidate_sampler`: the negative-class samplers of sampled softmax and NCE losses.

Each returns (sampled_candidates int64 [num_sampled], true_expected_count float32 [batch, num_true],
sampled_expected_count float32 [num_sampled]). The expected counts are what the losses subtract as
log-corrections, so they follow TensorFlow's formulas: p * num_sampled when sampling with replacement,
and 1 - (1 - p) ** tries with `unique=True`, where `tries` is how many draws it took to collect
`num_sampled` distinct classes.
"""
import collections
import math

import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import for_user, tensor

_FIELDS = ["sampled_candidates", "true_expected_count", "sampled_expected_count"]
_RESULTS = {}


def result(api, candidates, true_expected, sampled_expected):
    """The three tensors in a namedtuple named as TensorFlow's (`UniformCandidateSampler`, ...)."""
    name = "".join(part.title() for part in api.split("_"))
    kind = _RESULTS.setdefault(name, collections.namedtuple(name, _FIELDS))
    return kind(*(for_user(t) for t in (candidates, true_expected, sampled_expected)))


def _true_classes(true_classes, num_true, api):
    x = tensor(true_classes)
    if x.dim() != 2 or x.shape[1] != int(num_true):
        raise ValueError(f"tf.random.{api}: `true_classes` must be (batch, num_true={num_true}), received shape "
                         f"{tuple(x.shape)}")
    return x.to(torch.int64)


def _draw(probabilities, num_sampled, unique, generator, api):
    """(candidates, tries) drawn from `probabilities` (float64 over the range)."""
    num_sampled = int(num_sampled)
    support = int((probabilities > 0).sum())
    if unique and num_sampled > support:
        raise ValueError(f"tf.random.{api}: Sampler's range is too small: {num_sampled} unique candidates asked "
                         f"of a range with {support} possible classes")
    if not unique:
        picks = torch.multinomial(probabilities, num_sampled, replacement=True, generator=generator)
        return picks, num_sampled
    chosen, seen, tries = [], set(), 0
    while len(chosen) < num_sampled:  # draw with replacement, keep first occurrences, count every draw
        batch = torch.multinomial(probabilities, max(2 * (num_sampled - len(chosen)), 16), replacement=True,
                                  generator=generator).tolist()
        for value in batch:
            tries += 1
            if value not in seen:
                seen.add(value)
                chosen.append(value)
                if len(chosen) == num_sampled:
                    break
    return torch.tensor(chosen, dtype=torch.int64), tries


def _expected(p, num_sampled, tries):
    p = p.to(torch.float64)
    if tries == num_sampled:
        return p * num_sampled
    return -torch.expm1(tries * torch.log1p(-p))


def sample(probabilities, true_classes, num_true, num_sampled, unique, generator, api):
    true = _true_classes(true_classes, num_true, api)
    probabilities = probabilities.to(torch.float64)
    candidates, tries = _draw(probabilities, num_sampled, unique, generator, api)
    lookup = probabilities.cpu()
    true_p = lookup[true.cpu().clamp(0, lookup.shape[0] - 1)]
    true_p = torch.where((true.cpu() >= 0) & (true.cpu() < lookup.shape[0]), true_p, torch.zeros_like(true_p))
    device = config.device()
    return result(api, candidates.to(device),
                  _expected(true_p, int(num_sampled), tries).to(torch.float32).to(device),
                  _expected(lookup[candidates.cpu()], int(num_sampled), tries).to(torch.float32).to(device))


def uniform_probabilities(range_max):
    return torch.full((int(range_max),), 1.0 / int(range_max), dtype=torch.float64)


def log_uniform_probabilities(range_max):
    """Zipfian: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1), so frequent (low) ids dominate."""
    k = torch.arange(int(range_max), dtype=torch.float64)
    return (torch.log(k + 2) - torch.log(k + 1)) / math.log(int(range_max) + 1)


def _vocab_counts(vocab_file):
    counts = []
    with open(vocab_file, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                counts.append(float(line.rstrip("\n").split(",")[-1]))
    return counts


def fixed_unigram_probabilities(range_max, vocab_file, distortion, num_reserved_ids, num_shards, shard, unigrams,
                                api):
    counts = _vocab_counts(vocab_file) if vocab_file else [float(u) for u in np.asarray(unigrams).ravel()]
    if not counts:
        raise ValueError(f"tf.random.{api}: give either `vocab_file` or `unigrams`")
    weights = [0.0] * int(num_reserved_ids) + [c ** float(distortion) for c in counts]
    if len(weights) != int(range_max):
        raise ValueError(f"tf.random.{api}: `range_max` ({range_max}) must equal num_reserved_ids plus the "
                         f"vocabulary size ({len(weights)})")
    weights = torch.tensor(weights, dtype=torch.float64)
    if int(num_shards) > 1:  # a shard keeps only the ids congruent to it
        keep = torch.arange(len(weights)) % int(num_shards) == int(shard)
        weights = torch.where(keep, weights, torch.zeros_like(weights))
    return weights / weights.sum()
