"""tkeras.distribute: data-parallel training on torch.distributed.

An unchanged Keras script runs data-parallel when launched with torchrun:

    torchrun --nproc_per_node=4 train.py          # one process per GPU (NCCL) or CPU worker (gloo)

tkeras reads torchrun's environment, starts the process group, splits each global batch across the
processes and all-reduces gradients; see `data_parallel` for the exact semantics. For processes you
start yourself:

    tkeras.distribute.initialize(rank=r, world_size=n, master_addr="127.0.0.1", master_port=29500)
    tkeras.distribute.set_distribution(tkeras.distribute.DataParallel())   # optional: the default
    model.fit(...)
"""
from tkeras.distribute.data_parallel import (DataParallel, current_distribution, distribution, set_distribution)
from tkeras.distribute.runtime import (barrier, initialize, is_chief, is_initialized, launched_by_torchrun,
                                       local_rank, rank, shutdown, world_size)
from tkeras.distribute.sharding import EMPTY_SHARD
from tkeras.distribute.strategy_compat import (MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy,
                                               get_strategy)


def list_devices(device_type=None):
    """Devices this process can see, as Keras 3's `keras.distribution.list_devices` names them."""
    import torch
    if (device_type or "gpu").lower() in ("gpu", "cuda") and torch.cuda.is_available():
        return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return ["cpu:0"]


__all__ = ["DataParallel", "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "barrier",
           "current_distribution", "distribution", "get_strategy", "initialize", "is_chief", "is_initialized",
           "launched_by_torchrun", "list_devices", "local_rank", "rank", "set_distribution", "shutdown",
           "world_size", "EMPTY_SHARD"]
