"""tf.distribute-style strategies (Keras 2 scripts) mapped onto `DataParallel`.

TF scripts write `strategy = tf.distribute.MirroredStrategy()` and build/compile the model inside
`with strategy.scope():`, then call `fit` *outside* the block; the model remembers its strategy.
tkeras has one process per device, so entering the scope simply makes the strategy the process-wide
distribution (it stays active after the block, which is what those scripts rely on). Launched without
torchrun (one process) it does nothing, and the script trains on one device as before.
"""
import contextlib

from tkeras.distribute import data_parallel, runtime
from tkeras.distribute.strategy_methods import TFStrategyMethods


class MirroredStrategy(TFStrategyMethods, data_parallel.DataParallel):
    """One replica per torchrun process; gradients all-reduced (tf.distribute.MirroredStrategy)."""

    def __init__(self, devices=None, cross_device_ops=None, **kwargs):
        super().__init__(devices=devices, **kwargs)

    @contextlib.contextmanager
    def scope(self):
        data_parallel.set_distribution(self)
        yield self

    @property
    def num_replicas_in_sync(self):
        if runtime.launched_by_torchrun() or runtime.is_initialized():
            self._ensure_started()
        return runtime.world_size()


class MultiWorkerMirroredStrategy(MirroredStrategy):
    """Multi-node spelling; torchrun's multi-node launch provides the workers."""

    def __init__(self, cluster_resolver=None, communication_options=None, **kwargs):
        super().__init__(**kwargs)


class OneDeviceStrategy(TFStrategyMethods):
    """Everything on one device: no distribution (tkeras' default device placement applies)."""

    def __init__(self, device=None):
        self.device = device

    def _replica_count(self):
        return 1  # one device, even in a torchrun job

    @contextlib.contextmanager
    def scope(self):
        yield self

    num_replicas_in_sync = 1


def get_strategy():
    """The active strategy (a default one-device strategy when none is set)."""
    return data_parallel.distribution() or OneDeviceStrategy()
