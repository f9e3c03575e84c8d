"""Splitting each global batch across ranks.

Keras 3's `DataParallel` treats `batch_size` as the global batch, and so does tkeras: every rank
walks the same sequence of global batches (the same shuffled order: the permutation comes from a seed
all ranks share) and takes its own contiguous slice of each one, sizes differing by at most one
sample. A global step over N samples therefore sees exactly the samples a single process would, and
averaging each rank's gradient weighted by its sample count gives the single-process gradient.

The last batch of an epoch may hold fewer samples than there are ranks; ranks left without a sample
get `EMPTY_SHARD` instead of a batch and still take part in the gradient all-reduce (with weight 0),
so no rank waits forever on the others.

Generators, Sequences and other batch iterables are split the same way, batch by batch: every rank
must produce the same batches (same files, same seed), as with Keras' auto-sharding of a dataset.
"""
import torch

from tkeras.utils import tree


class _EmptyShard:
    """This rank's part of a global batch that has fewer samples than ranks."""

    def __repr__(self):
        return "EMPTY_SHARD"


EMPTY_SHARD = _EmptyShard()


def shard_bounds(num_samples, num_shards, shard):
    """[start, stop) of `shard` when num_samples are split in num_shards contiguous, near-equal parts."""
    base, extra = divmod(num_samples, num_shards)
    start = shard * base + min(shard, extra)
    return start, start + base + (1 if shard < extra else 0)


def chunk_bounds(num_samples, num_shards, shard):
    """[start, stop) as `torch.chunk` splits: pieces of ceil(n / shards), the last ones short or empty.

    DTensor assumes this split for a dimension sharded unevenly, so batches handed to DTensor use it.
    """
    size = -(-num_samples // num_shards) if num_samples else 0
    start = min(shard * size, num_samples)
    return start, min(start + size, num_samples)


def _slice_leaf(value, start, stop):
    if value is None:
        return None
    return value[start:stop]


class ShardedBatches:
    """One rank's view of the global batches of an `ArrayBatches` or `StreamBatches`.

    `local_sizes` records how many samples this rank got from each global batch of the last epoch
    (predict uses it to put the gathered outputs back into the original order); `on_batch(n)` is
    called with that count just before each batch is handed out (the gradient all-reduce weights by it).
    """

    def __init__(self, base, rank, world_size, seed=0, keep_empty=True, on_batch=None, split=True,
                 bounds=shard_bounds):
        self.base = base
        self.rank = rank
        self.world_size = world_size
        self.keep_empty = keep_empty
        self.on_batch = on_batch
        self.split = split
        self.bounds = bounds
        self.global_size = 0  # samples in the global batch being handed out
        self.steps = base.steps
        self.num_batches = getattr(base, "num_batches", base.steps)
        self.local_sizes = []
        self._generator = torch.Generator()
        self._generator.manual_seed(int(seed))

    def __getattr__(self, name):
        if name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)

    def epoch(self):
        self.local_sizes = []
        if hasattr(self.base, "num_samples") and hasattr(self.base, "_take"):
            batches = self._array_epoch()
        else:
            batches = self._stream_epoch()
        for local_size, batch in batches:
            self.local_sizes.append(local_size)
            if self.on_batch is not None:
                self.on_batch(local_size)
            if local_size == 0:
                if self.keep_empty:
                    yield EMPTY_SHARD
                continue
            yield batch

    def _array_epoch(self):
        base = self.base
        produced = 0
        while produced < base.steps:
            order = torch.randperm(base.num_samples, generator=self._generator) if base.shuffle else None
            if order is not None and getattr(base, "_resident", False):
                order = order.to(base._device)  # once per epoch, so per-batch gathers stay on the device
            for b in range(base.num_batches):
                if produced >= base.steps:
                    return
                start, stop = b * base.batch_size, min((b + 1) * base.batch_size, base.num_samples)
                self.global_size = stop - start
                if self.split:
                    lo, hi = self.bounds(stop - start, self.world_size, self.rank)
                    start, stop = start + lo, start + hi
                produced += 1
                if stop <= start:
                    yield 0, None
                    continue
                index = order[start:stop] if order is not None else slice(start, stop)
                yield stop - start, (base._take(base.x, index), base._take(base.y, index),
                                     base._take(base.sample_weight, index))

    def _stream_epoch(self):
        from tkeras.training import data_adapter
        for batch in self.base.epoch():
            x, y, w = data_adapter.unpack(batch)
            total = int(tree.flatten(x)[0].shape[0])
            self.global_size = total
            if not self.split:
                yield total, (x, y, w)
                continue
            lo, hi = self.bounds(total, self.world_size, self.rank)
            take = lambda s: tree.map_structure(lambda v: _slice_leaf(v, lo, hi), s) if s is not None else None
            yield hi - lo, (take(x), take(y), take(w))
