"""`tf.experimental`: mostly `tf.experimental.numpy`, which NumPy-style TensorFlow code imports as `tnp`.

The few other names with a plain meaning on torch are here too (DLPack exchange, the async scopes that
only matter to TensorFlow's remote executors); the rest fail with tkeras' one-line message.
"""
import contextlib

from tkeras.compat.tf_namespace.experimental import numpy
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr


def _to_dlpack(tf_tensor):
    import torch.utils.dlpack
    return torch.utils.dlpack.to_dlpack(tf_tensor)


def _from_dlpack(dlcapsule):
    import torch.utils.dlpack
    from tkeras.ops.core import for_user
    return for_user(torch.utils.dlpack.from_dlpack(dlcapsule))


dlpack = Namespace("tf.experimental.dlpack", to_dlpack=_to_dlpack, from_dlpack=_from_dlpack)


@contextlib.contextmanager
def async_scope():
    """torch runs each op as it is called, so there is nothing to batch up or wait for."""
    yield


def async_clear_error():
    return None


__all__ = ["async_clear_error", "async_scope", "dlpack", "numpy"]
__getattr__ = module_getattr("tf.experimental")
