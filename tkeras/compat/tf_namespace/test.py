"""`tf.test`: the GPU probes tutorials print."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    return torch.cuda.is_available()


def is_built_with_cuda():
    return torch.version.cuda is not None


def gpu_device_name():
    return "/device:GPU:0" if torch.cuda.is_available() else ""


__getattr__ = module_getattr("tf.test")
