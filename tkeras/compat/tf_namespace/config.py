"""`tf.config`: devices as torch sees them (truthfully), and no-op memory/threading knobs."""
import collections

import torch

from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])


def list_physical_devices(device_type=None):
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if torch.cuda.is_available():
        devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(torch.cuda.device_count())]
    return [d for d in devices if device_type is None or d.device_type == str(device_type).upper()]


def list_logical_devices(device_type=None):
    return [LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in list_physical_devices(device_type)]


get_visible_devices = list_physical_devices


def set_visible_devices(devices, device_type=None):
    """Accepted for compatibility; choose tkeras' device with TKERAS_DEVICE or tkeras.backend.set_device."""


def run_functions_eagerly(run_eagerly):
    """tkeras always runs eagerly."""


def functions_run_eagerly():
    return True


def enable_op_determinism():
    """Deterministic kernels from now on, as TensorFlow's op determinism: torch's deterministic algorithms
    (a warning, not an error, for an op that has none), cuDNN without autotuning, and the cuBLAS workspace
    setting CUDA needs for repeatable matmuls. With `tf.keras.utils.set_random_seed`, runs repeat."""
    import os
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def _set_memory_growth(device, enable):
    """torch's caching allocator grows on demand already."""


def _set_virtual_device_configuration(device, configurations):
    """Accepted for compatibility; tkeras does not split a GPU into logical devices."""


experimental = Namespace(
    "tf.config.experimental",
    list_physical_devices=list_physical_devices,
    list_logical_devices=list_logical_devices,
    set_memory_growth=_set_memory_growth,
    get_memory_growth=lambda device: True,
    set_visible_devices=set_visible_devices,
    get_visible_devices=get_visible_devices,
    set_virtual_device_configuration=_set_virtual_device_configuration,
    VirtualDeviceConfiguration=lambda memory_limit=None, **kwargs: {"memory_limit": memory_limit},
    enable_op_determinism=enable_op_determinism,
)
set_logical_device_configuration = _set_virtual_device_configuration
LogicalDeviceConfiguration = experimental.VirtualDeviceConfiguration


def _set_intra_op_parallelism_threads(num_threads):
    if num_threads:
        torch.set_num_threads(int(num_threads))


def _set_inter_op_parallelism_threads(num_threads):
    """torch's inter-op pool is fixed once work has started; accepted and ignored."""


threading = Namespace(
    "tf.config.threading",
    set_intra_op_parallelism_threads=_set_intra_op_parallelism_threads,
    get_intra_op_parallelism_threads=torch.get_num_threads,
    set_inter_op_parallelism_threads=_set_inter_op_parallelism_threads,
    get_inter_op_parallelism_threads=lambda: 0,
)


_SOFT_PLACEMENT = [True]


def set_soft_device_placement(enabled):
    """Stored; torch places every op where its inputs are, so there is no hard placement to relax."""
    _SOFT_PLACEMENT[0] = bool(enabled)


def get_soft_device_placement():
    return _SOFT_PLACEMENT[0]


experimental_run_functions_eagerly = run_functions_eagerly
experimental_functions_run_eagerly = functions_run_eagerly


def get_logical_device_configuration(device):
    """None: tkeras never splits a device into logical ones."""
    return None


_OPTIMIZER = {"jit": False, "options": {}}


def _set_jit(enabled):
    _OPTIMIZER["jit"] = enabled


def _set_experimental_options(options):
    _OPTIMIZER["options"].update(dict(options))


optimizer = Namespace(
    "tf.config.optimizer",
    set_jit=_set_jit,
    get_jit=lambda: _OPTIMIZER["jit"],
    set_experimental_options=_set_experimental_options,
    get_experimental_options=lambda: dict(_OPTIMIZER["options"]),
)


def experimental_connect_to_cluster(*args, **kwargs):
    raise NotImplementedError("tf.config.experimental_connect_to_cluster is not supported in tkeras: there are no "
                              "remote TensorFlow servers; launch one process per device with torchrun instead")


def experimental_connect_to_host(*args, **kwargs):
    raise NotImplementedError("tf.config.experimental_connect_to_host is not supported in tkeras: there are no "
                              "remote TensorFlow servers; launch one process per device with torchrun instead")


__getattr__ = module_getattr("tf.config")
