"""`tf.random`: draws from torch's generator; `set_seed` resets it."""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.random import categorical, normal, set_seed, shuffle, truncated_normal, uniform  # noqa: F401

__getattr__ = module_getattr("tf.random")
