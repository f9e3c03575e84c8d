"""`tf.distribute`: TensorFlow's strategies, as tkeras.distribute's data parallelism on torch.distributed.

`MirroredStrategy().scope()` around model building works unchanged: one process runs as before;
under `torchrun` every process trains one replica (see `tkeras.distribute`). Kaggle notebooks probe for
a TPU with `TPUClusterResolver()` inside `try/except ValueError`: that probe fails the same way here,
so they fall back to the default strategy. `TFConfigClusterResolver` reads `TF_CONFIG` as TensorFlow does
(_cluster_resolver.py), so multi-worker scripts can still ask which task they are.
"""
from tkeras.compat.tf_namespace._cluster_resolver import ClusterResolver, SimpleClusterResolver, TFConfigClusterResolver
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr, unsupported
from tkeras.distribute import MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy, get_strategy


def has_strategy():
    from tkeras.distribute import data_parallel
    return data_parallel.distribution() is not None


def _no_tpu(*args, **kwargs):
    raise ValueError("Please provide a TPU Name to connect to. (tkeras: there is no TPU; "
                     "tf.distribute.cluster_resolver.TPUClusterResolver is not supported in tkeras)")


def _tpu_strategy(*args, **kwargs):
    raise unsupported("tf.distribute.TPUStrategy")


TPUStrategy = _tpu_strategy

cluster_resolver = Namespace("tf.distribute.cluster_resolver", TPUClusterResolver=_no_tpu,
                             TFConfigClusterResolver=TFConfigClusterResolver,
                             SimpleClusterResolver=SimpleClusterResolver, ClusterResolver=ClusterResolver)
experimental = Namespace("tf.distribute.experimental", MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy,
                         TPUStrategy=_tpu_strategy, CentralStorageStrategy=MirroredStrategy)

_EXTRA = ("ReduceOp", "Strategy", "InputContext", "InputOptions", "InputReplicationMode", "RunOptions",
          "ReplicaContext", "get_replica_context", "in_cross_replica_context", "experimental_set_strategy",
          "CrossDeviceOps", "NcclAllReduce", "HierarchicalCopyAllReduce", "ReductionToOneDevice",
          "ParameterServerStrategy")
_unsupported_getattr = module_getattr("tf.distribute")


def __getattr__(name):
    if name in _EXTRA:
        from tkeras.compat.tf_namespace import _distribute_extra
        return getattr(_distribute_extra, name)
    return _unsupported_getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_EXTRA))
