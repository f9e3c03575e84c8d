"""`import tensorflow.compat.v1 as tf`: the tf namespace plus the TensorFlow 1 setup names.

Scripts ported with TF's upgrade tool start with `tf.disable_v2_behavior()` and seed with
`tf.set_random_seed`; both work (see `_tf1`), as do TF1's names of the random ops (`random_normal`,
`random_uniform`, `truncated_normal`, `random_shuffle`). Graph-mode calls fail with the one-line message.
"""
from tkeras.compat.tf_namespace._tf1 import (  # noqa: F401
    ConfigProto, GPUOptions, InteractiveSession, Session, disable_eager_execution, disable_resource_variables,
    disable_tensor_equality, disable_v2_behavior, enable_eager_execution, enable_resource_variables,
    enable_v2_behavior, get_logger, logging, reset_default_graph, set_random_seed,
)
from tkeras.compat.tf_namespace.compat import v1_nn as nn  # noqa: F401  TF 1's ctc_loss, tf.nn otherwise


# TensorFlow 1 spellings of the random ops (TF 2 moved them under tf.random).
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    from tkeras.compat.tf_namespace import random
    return random.normal(shape, mean, stddev, **({"dtype": dtype} if dtype is not None else {}), seed=seed)


def random_uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    from tkeras.compat.tf_namespace import random
    return random.uniform(shape, minval, maxval, **({"dtype": dtype} if dtype is not None else {}), seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    from tkeras.compat.tf_namespace import random
    return random.truncated_normal(shape, mean, stddev, **({"dtype": dtype} if dtype is not None else {}),
                                   seed=seed)


def random_shuffle(value, seed=None, name=None):
    from tkeras.compat.tf_namespace import random
    return random.shuffle(value, seed=seed)


def __getattr__(name):
    if name.startswith("__"):
        # Not the namespace's `__path__`: with it, `import tensorflow.compat.v1.nn` would load a second copy
        # of TF 2's `nn` module in place of TF 1's (`nn` above).
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from tkeras.compat import tf_namespace
    return getattr(tf_namespace, name)
