"""tkeras.distribute (also `keras.distribution`): data and model parallelism on torch.distributed.

An unchanged Keras script runs data-parallel when launched with torchrun:

    torchrun --nproc_per_node=4 train.py          # one process per GPU (NCCL) or CPU worker (gloo)

tkeras reads torchrun's environment, starts the process group, splits each global batch across the
processes and all-reduces gradients; see `data_parallel` for the exact semantics. Keras 3's
distribution API works under the same launch, one device per process:

    mesh = keras.distribution.DeviceMesh((1, 2), ("batch", "model"), keras.distribution.list_devices())
    layout_map = keras.distribution.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    keras.distribution.set_distribution(keras.distribution.ModelParallel(layout_map=layout_map))

(`model_parallel` for the semantics). For processes you start yourself:

    tkeras.distribute.initialize(rank=r, world_size=n, master_addr="127.0.0.1", master_port=29500)
    tkeras.distribute.set_distribution(tkeras.distribute.DataParallel())   # optional: the default
    model.fit(...)
"""
from tkeras.distribute.data_parallel import (DataParallel, current_distribution, distribution, set_distribution)
from tkeras.distribute.distribution import Distribution
from tkeras.distribute.mesh import DeviceMesh, LayoutMap, TensorLayout, get_device_count, list_devices
from tkeras.distribute.model_parallel import ModelParallel
from tkeras.distribute.runtime import (barrier, initialize, is_chief, is_initialized, launched_by_torchrun,
                                       local_rank, rank, shutdown, world_size)
from tkeras.distribute.sharded_weights import distribute_tensor, distribute_variable
from tkeras.distribute.sharding import EMPTY_SHARD
from tkeras.distribute.strategy_compat import (MirroredStrategy, MultiWorkerMirroredStrategy, OneDeviceStrategy,
                                               get_strategy)

__all__ = ["DataParallel", "DeviceMesh", "Distribution", "LayoutMap", "MirroredStrategy", "ModelParallel",
           "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "TensorLayout", "barrier", "current_distribution",
           "distribute_tensor", "distribute_variable", "distribution", "get_device_count", "get_strategy",
           "initialize", "is_chief", "is_initialized", "launched_by_torchrun", "list_devices", "local_rank", "rank",
           "set_distribution", "shutdown", "world_size", "EMPTY_SHARD"]
