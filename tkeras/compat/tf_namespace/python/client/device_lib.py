"""`device_lib.list_local_devices()`: the CPU and the GPUs torch can use, as TensorFlow lists them."""
import collections

import torch

DeviceAttributes = collections.namedtuple("DeviceAttributes", ["name", "device_type", "memory_limit",
                                                               "physical_device_desc"])


def list_local_devices(session_config=None):
    devices = [DeviceAttributes("/device:CPU:0", "CPU", 268435456, "")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            devices.append(DeviceAttributes(f"/device:GPU:{i}", "GPU", int(props.total_memory),
                                            f"device: {i}, name: {props.name}"))
    return devices
