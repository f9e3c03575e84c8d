"""The small types around tf.distribute's strategies: reduce ops, input contexts, the replica context a
single process sees, and the cross-device-op classes scripts pass as options.

tkeras runs one replica per process (torchrun); so in one process the replica context is replica 0 of
`world_size` replicas, and an all-reduce sums across processes through torch.distributed when it is up.
"""
import enum

import torch

from tkeras.distribute import data_parallel, runtime
from tkeras.distribute.input_context import InputContext  # noqa: F401 - tf.distribute.InputContext
from tkeras.distribute.strategy_compat import OneDeviceStrategy


class ReduceOp(enum.Enum):
    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        name = str(getattr(aggregation, "value", aggregation)).upper()
        if "MEAN" in name:
            return ReduceOp.MEAN
        if "SUM" in name:
            return ReduceOp.SUM
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} to `tf.distribute.ReduceOp`")


class _StrategyType(type):
    def __instancecheck__(cls, instance):
        if cls is Strategy:
            return isinstance(instance, (data_parallel.DataParallel, OneDeviceStrategy)) or \
                type.__instancecheck__(cls, instance)
        return type.__instancecheck__(cls, instance)


class Strategy(metaclass=_StrategyType):
    """`isinstance(s, tf.distribute.Strategy)` holds for tkeras' strategies (which map onto DataParallel);
    it is not a base to build new strategies on."""

    def __init__(self, *args, **kwargs):
        raise TypeError("tf.distribute.Strategy is abstract; use tf.distribute.MirroredStrategy() or get_strategy()")


class InputReplicationMode(enum.Enum):
    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputOptions:
    """Options for distributing a dataset; stored (tkeras shards datasets in DataParallel itself)."""

    def __init__(self, experimental_fetch_to_device=None, experimental_replication_mode=InputReplicationMode.PER_WORKER,
                 experimental_place_dataset_on_device=False, experimental_per_replica_buffer_size=1):
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode
        self.experimental_place_dataset_on_device = experimental_place_dataset_on_device
        self.experimental_per_replica_buffer_size = experimental_per_replica_buffer_size


class RunOptions:
    def __init__(self, experimental_enable_dynamic_batch_size=True, experimental_bucketizing_dynamic_shape=False,
                 experimental_xla_options=None):
        self.experimental_enable_dynamic_batch_size = experimental_enable_dynamic_batch_size
        self.experimental_bucketizing_dynamic_shape = experimental_bucketizing_dynamic_shape
        self.experimental_xla_options = experimental_xla_options


class ReplicaContext:
    """This process' replica: id = its torch.distributed rank; all_reduce crosses processes when running
    under torchrun and is the identity (SUM) or the value (MEAN) for one process."""

    def __init__(self, strategy=None, replica_id_in_sync_group=None):
        self._strategy = strategy or _current()
        self._replica_id = replica_id_in_sync_group

    @property
    def strategy(self):
        return self._strategy

    @property
    def replica_id_in_sync_group(self):
        return runtime.rank() if self._replica_id is None else self._replica_id

    @property
    def num_replicas_in_sync(self):
        return self._strategy.num_replicas_in_sync

    def all_reduce(self, reduce_op, value, options=None):
        op = reduce_op if isinstance(reduce_op, ReduceOp) else ReduceOp[str(reduce_op).upper()]

        def one(tensor):
            tensor = torch.as_tensor(tensor)
            if runtime.is_initialized() and runtime.world_size() > 1:
                import torch.distributed as dist
                tensor = tensor.clone()
                dist.all_reduce(tensor)
                if op is ReduceOp.MEAN:
                    tensor = tensor / runtime.world_size()
            return tensor

        from tkeras.backend.eager_tensor import wrap_structure
        from tkeras.utils import tree
        return wrap_structure(tree.map_structure(one, value))

    def merge_call(self, merge_fn, args=(), kwargs=None):
        return merge_fn(self._strategy, *args, **(kwargs or {}))


def _current():
    from tkeras.distribute.strategy_compat import get_strategy
    return get_strategy()


def get_replica_context():
    """A ReplicaContext: tkeras' code always runs inside the (single) replica of its process."""
    return ReplicaContext(_current())


def in_cross_replica_context():
    return False


def experimental_set_strategy(strategy):
    """Makes `strategy` the active one for the process (None clears it), like entering its scope for good."""
    data_parallel.set_distribution(strategy if isinstance(strategy, data_parallel.DataParallel) else None)


class CrossDeviceOps:
    """How gradients are combined across devices: an option tkeras' strategies accept and leave to
    torch.distributed's all-reduce (NCCL on GPUs, Gloo on CPUs)."""

    def __init__(self, *args, **kwargs):
        self._options = (args, kwargs)

    def reduce(self, *args, **kwargs):
        raise NotImplementedError(f"tf.distribute.{type(self).__name__}.reduce is not supported in tkeras: pass it as "
                                  f"cross_device_ops=... only; gradients are all-reduced by torch.distributed")

    batch_reduce = broadcast = reduce


class NcclAllReduce(CrossDeviceOps):
    pass


class HierarchicalCopyAllReduce(CrossDeviceOps):
    pass


class ReductionToOneDevice(CrossDeviceOps):
    pass


def ParameterServerStrategy(*args, **kwargs):  # noqa: N802 - TensorFlow's class name
    raise NotImplementedError("tf.distribute.ParameterServerStrategy is not supported in tkeras: it needs "
                              "TensorFlow's parameter servers; use tf.distribute.MirroredStrategy under torchrun")
