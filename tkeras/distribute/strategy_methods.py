"""The tf.distribute calls a custom training loop makes on its strategy: `experimental_distribute_dataset`,
`distribute_datasets_from_function`, `run`, `reduce`, `experimental_local_results` and `gather`.

tkeras runs one replica per process (torchrun), so inside a process the "per-replica" value of
`strategy.run(step, args=(batch,))` is simply the step's own result, and only `reduce`/`gather` talk to
the other processes. A distributed dataset gives each process its slice of every global batch, so the
global batch size the script chose is split over the replicas as TensorFlow splits it.
"""
import torch

from tkeras.distribute import runtime
from tkeras.distribute.input_context import InputContext


def _is_mean(reduce_op):
    name = str(getattr(reduce_op, "value", reduce_op)).upper()
    if name.endswith("MEAN"):
        return True
    if name.endswith("SUM"):
        return False
    raise ValueError(f"strategy.reduce: reduce_op must be tf.distribute.ReduceOp.SUM or MEAN (or 'SUM'/'MEAN'); "
                     f"received {reduce_op!r}")


def _local_rows(value, rank, world):
    """This replica's share of a global batch: rows rank*n/world up to (rank+1)*n/world of every tensor."""
    if isinstance(value, dict):
        return {key: _local_rows(item, rank, world) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_local_rows(item, rank, world) for item in value)
    rows = value.shape[0]
    return value[rank * rows // world:(rank + 1) * rows // world]


class ValueContext:
    """What `experimental_distribute_values_from_function` tells the value function: which replica it is."""

    def __init__(self, replica_id_in_sync_group=0, num_replicas_in_sync=1):
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync

    def __repr__(self):
        return (f"tf.distribute.experimental.ValueContext(replica id {self.replica_id_in_sync_group}, "
                f" total replicas in sync: {self.num_replicas_in_sync})")


class TFStrategyMethods:
    """Mixed into the tf.distribute-style strategies (strategy_compat.py)."""

    def _replica_count(self):
        """Replicas that take part in reductions: the torchrun processes, one when launched alone."""
        return runtime.world_size() if runtime.is_initialized() else 1

    def experimental_distribute_dataset(self, dataset, options=None):
        world = self._replica_count()
        if world == 1:
            return dataset
        rank = runtime.rank()
        return dataset.map(lambda *element: _local_rows(element[0] if len(element) == 1 else element, rank, world))

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """`dataset_fn(input_context)` builds this process's pipeline (it shards and sizes batches itself)."""
        world = self._replica_count()
        rank = runtime.rank() if world > 1 else 0
        return dataset_fn(InputContext(num_input_pipelines=world, input_pipeline_id=rank, num_replicas_in_sync=world))

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    # -- TF 1.x input iterators, still accepted by TensorFlow 2 (strategy_v1_input.py) ---------------
    def make_dataset_iterator(self, dataset):
        from tkeras.distribute.strategy_v1_input import DatasetIteratorV1
        return DatasetIteratorV1(self.experimental_distribute_dataset(dataset))

    def make_input_fn_iterator(self, input_fn, replication_mode=None):
        from tkeras.distribute.strategy_v1_input import DatasetIteratorV1
        return DatasetIteratorV1(self.distribute_datasets_from_function(input_fn))

    def experimental_run(self, fn, input_iterator=None):
        from tkeras.distribute.strategy_v1_input import run_with_next_input
        return run_with_next_input(self, fn, input_iterator)

    def experimental_distribute_values_from_function(self, value_fn):
        """This process's replica value: `value_fn(ValueContext)` for replica `rank` of `world_size`."""
        world = self._replica_count()
        return value_fn(ValueContext(runtime.rank() if world > 1 else 0, world))

    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs `fn` as this process's replica; its result is that replica's value."""
        return fn(*args, **(kwargs or {}))

    experimental_run_v2 = run

    def reduce(self, reduce_op, value, axis=None):
        """Sums or averages a per-replica value over the replicas (and over `axis` of it, when given), as
        `strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)` does."""
        from tkeras.ops.core import for_user, tensor
        mean = _is_mean(reduce_op)
        total = tensor(value)
        count = 1
        if axis is not None:
            count = total.shape[axis]
            total = total.sum(dim=axis)
        world = self._replica_count()
        if world > 1:
            from tkeras.distribute.collectives import all_reduce_in_place
            total = total.detach().clone()
            counted = torch.tensor(float(count), device=total.device)
            all_reduce_in_place([total])
            all_reduce_in_place([counted])
            count = counted
        else:
            count = torch.tensor(float(count), device=total.device)
        if mean:
            total = total / count.to(total.dtype if total.is_floating_point() else torch.float32)
        return for_user(total)

    def experimental_local_results(self, value):
        """The values this process holds of a per-replica value: one replica per process."""
        return (value,)

    def gather(self, value, axis):
        """Every replica's value concatenated along `axis` (rows of each process, in rank order)."""
        from tkeras.ops.core import for_user, tensor
        if self._replica_count() == 1:
            return value
        from tkeras.distribute.collectives import all_gather_rows
        local = tensor(value).movedim(axis, 0)
        return for_user(all_gather_rows(local).movedim(0, axis))
