"""`tf.config`: devices as torch sees them (truthfully), and no-op memory/threading knobs."""
import collections

import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr

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


class experimental:  # noqa: N801 - TensorFlow's namespace
    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)

    @staticmethod
    def set_memory_growth(device, enable):
        """torch's caching allocator grows on demand already."""

    @staticmethod
    def get_memory_growth(device):
        return True

    @staticmethod
    def set_visible_devices(devices, device_type=None):
        """Accepted for compatibility (see tf.config.set_visible_devices)."""


class threading:  # noqa: N801
    @staticmethod
    def set_intra_op_parallelism_threads(num_threads):
        if num_threads:
            torch.set_num_threads(int(num_threads))

    @staticmethod
    def get_intra_op_parallelism_threads():
        return torch.get_num_threads()

    @staticmethod
    def set_inter_op_parallelism_threads(num_threads):
        """torch's inter-op pool is fixed once work has started; accepted and ignored."""


__getattr__ = module_getattr("tf.config")
