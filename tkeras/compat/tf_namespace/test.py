"""`tf.test`: the GPU probes tutorials print, and TensorFlow's TestCase (loaded on first use, in
_test_case.py, so the package import does not pay for unittest)."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    return torch.cuda.is_available()


def is_built_with_cuda():
    return torch.version.cuda is not None


def gpu_device_name():
    return "/device:GPU:0" if torch.cuda.is_available() else ""


def is_built_with_gpu_support():
    return torch.version.cuda is not None or torch.version.hip is not None


def is_built_with_rocm():
    return False


def is_built_with_xla():
    return False


def is_cpu_target_available(cpu):
    if str(cpu).lower() not in ("x86", "aarch64", "arm", "powerpc", "systemz"):
        raise ValueError(f"Unknown CPU target: {cpu}")
    return True


_LAZY = ("TestCase", "main", "Benchmark", "benchmark_config", "compute_gradient")
_unsupported_getattr = module_getattr("tf.test")


def __getattr__(name):
    if name in _LAZY:
        from tkeras.compat.tf_namespace import _test_case
        return getattr(_test_case, name)
    return _unsupported_getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
