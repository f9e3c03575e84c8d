"""A `tf.data` iterator in a checkpoint (`tf.train.Checkpoint(iterator=iter(dataset))`): its position.

TensorFlow saves an iterator's internal state; tkeras saves how many elements it has handed out, and a
restore starts a fresh pass over the same dataset and skips that many. This gives the same next element
whenever the pipeline is deterministic (no shuffle, or a seeded one); an unseeded shuffle continues at the
right count but in a new order. The counting starts when the iterator is put in a checkpoint, so the
iterator should be handed over right after `iter(dataset)`, as the checkpoint guide does.
"""
import itertools

import torch

from tkeras.compat.tf_namespace import errors
from tkeras.data.iterator import NumpyIterator

STATE_KEY = ".ATTRIBUTES/ITERATOR_STATE"


class _CountingElements:
    """Wraps an iterator's element source and counts what it hands out (only iterators in checkpoints)."""

    __slots__ = ("source", "count")

    def __init__(self, source, count=0):
        self.source, self.count = source, count

    def __iter__(self):
        return self

    def __next__(self):
        element = next(self.source)
        self.count += 1
        return element


def track(iterator):
    if not isinstance(iterator._elements, _CountingElements):
        iterator._elements = _CountingElements(iterator._elements)


def position(iterator):
    track(iterator)
    return torch.tensor(iterator._elements.count, dtype=torch.int64)


def restore(iterator, saved_position, path):
    """Move `iterator` to `saved_position` elements into a fresh pass over its dataset."""
    count = int(saved_position)
    dataset = iterator._dataset
    if dataset is None:
        raise errors.op_error(errors.InvalidArgumentError, f"Checkpoint: cannot restore the iterator {path!r}: it "
                              f"was not made by iter(dataset), so there is no dataset to restart")
    fresh = dataset.as_numpy_iterator() if isinstance(iterator, NumpyIterator) else iter(dataset)
    elements = fresh._elements
    skipped = sum(1 for _ in itertools.islice(elements, count))
    if skipped < count:
        raise errors.op_error(errors.OutOfRangeError, f"Checkpoint: the iterator {path!r} was saved {count} "
                              f"elements in, but its dataset has only {skipped}")
    iterator._elements = _CountingElements(elements, count)
