"""The process group: reading torchrun's environment and starting torch.distributed once.

`torchrun --nproc_per_node=N train.py` (or a multi-node torchrun) sets RANK, WORLD_SIZE, LOCAL_RANK,
MASTER_ADDR and MASTER_PORT in every process. tkeras starts the process group from those variables
(`init_method="env://"`) the first time a loop needs it, with NCCL when the process has a CUDA device
and gloo otherwise. On CUDA each process pins itself to `cuda:LOCAL_RANK`, and tkeras' default device
follows, so batches and weights land on the process's own GPU.

Users who start processes themselves call `initialize(...)` with explicit values instead.
"""
import atexit
import datetime
import os

import torch
import torch.distributed as dist

_STARTED_BY_TKERAS = False


def launched_by_torchrun():
    """True when the environment describes more than one process (torchrun, torch.distributed.launch)."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1 and "RANK" in os.environ
    except ValueError:
        return False


def is_initialized():
    return dist.is_available() and dist.is_initialized()


def initialize(job_addresses=None, num_processes=None, process_id=None, *, backend=None, rank=None,
               world_size=None, master_addr=None, master_port=None, local_rank=None, timeout_seconds=300):
    """Start the process group (no-op when one is already running); returns the world size.

    Keras 3's arguments map onto torch's: `job_addresses` ("host:port[,...]", the first is the
    coordinator) → MASTER_ADDR/MASTER_PORT, `num_processes` → world size, `process_id` → rank; they
    may also come from $KERAS_DISTRIBUTION_JOB_ADDRESSES / _NUM_PROCESSES / _PROCESS_ID. Arguments
    left as None come from the torchrun environment. `backend` defaults to $TKERAS_DIST_BACKEND,
    else "nccl" when tkeras' device is CUDA and "gloo" otherwise.
    """
    global _STARTED_BY_TKERAS
    job_addresses = job_addresses or os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES"):
        num_processes = int(os.environ["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and os.environ.get("KERAS_DISTRIBUTION_PROCESS_ID"):
        process_id = int(os.environ["KERAS_DISTRIBUTION_PROCESS_ID"])
    if job_addresses and master_addr is None:
        coordinator = str(job_addresses).split(",")[0].strip()
        host, _, port = coordinator.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"initialize: job_addresses must start with 'host:port' (the coordinator), received "
                             f"{job_addresses!r}")
        master_addr, master_port = host, master_port or int(port)
    world_size = num_processes if world_size is None else world_size
    rank = process_id if rank is None else rank
    if not dist.is_available():
        raise RuntimeError("tkeras.distribute: this torch build has no torch.distributed support")
    if is_initialized():
        _pin_device(local_rank)
        return dist.get_world_size()
    for name, value in (("MASTER_ADDR", master_addr), ("MASTER_PORT", master_port)):
        if value is not None:
            os.environ[name] = str(value)
    rank = int(os.environ["RANK"]) if rank is None and "RANK" in os.environ else rank
    world_size = int(os.environ["WORLD_SIZE"]) if world_size is None and "WORLD_SIZE" in os.environ else world_size
    if rank is None or world_size is None:
        raise ValueError(
            "tkeras.distribute.initialize: rank and world_size are unknown. Launch the script with "
            "`torchrun --nproc_per_node=N script.py`, or pass initialize(rank=..., world_size=..., "
            "master_addr=..., master_port=...)")
    missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if name not in os.environ]
    if missing and world_size > 1:
        raise ValueError(f"tkeras.distribute.initialize: {', '.join(missing)} not set; torchrun sets them, or "
                         f"pass master_addr='127.0.0.1', master_port=29500 (any free port)")
    if local_rank is None:
        local_rank = int(os.environ.get("LOCAL_RANK", rank))
    _pin_device(local_rank)
    if backend is None:
        from tkeras.backend import config
        on_cuda = config.device().type == "cuda"  # TKERAS_DEVICE=cpu on a GPU machine means gloo
        backend = os.environ.get("TKERAS_DIST_BACKEND") or ("nccl" if on_cuda else "gloo")
    dist.init_process_group(backend=backend, rank=int(rank), world_size=int(world_size), init_method="env://",
                            timeout=datetime.timedelta(seconds=timeout_seconds))
    _STARTED_BY_TKERAS = True
    atexit.register(shutdown)
    return world_size


def _pin_device(local_rank):
    if local_rank is None:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    from tkeras.backend import config
    requested = os.environ.get("TKERAS_DEVICE")
    if torch.cuda.is_available() and (not requested or requested.startswith("cuda")):
        index = int(local_rank) % torch.cuda.device_count()
        torch.cuda.set_device(index)
        config.set_device(f"cuda:{index}")


def shutdown():
    """Tear down a process group tkeras started (leaves a user's own group alone); also run at exit.

    Ranks first meet at a barrier, so none tears its connections down while a peer still uses them.
    """
    global _STARTED_BY_TKERAS
    if _STARTED_BY_TKERAS and is_initialized():
        try:
            dist.barrier()
        except Exception:  # a peer already gone: nothing left to wait for
            pass
        dist.destroy_process_group()
    _STARTED_BY_TKERAS = False


def rank():
    return dist.get_rank() if is_initialized() else int(os.environ.get("RANK", "0"))


def world_size():
    return dist.get_world_size() if is_initialized() else int(os.environ.get("WORLD_SIZE", "1"))


def local_rank():
    return int(os.environ.get("LOCAL_RANK", rank()))


def is_chief():
    """Rank 0: the process that prints and writes files."""
    return rank() == 0


def barrier():
    if is_initialized():
        dist.barrier()
