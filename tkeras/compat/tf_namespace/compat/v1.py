"""`import tensorflow.compat.v1 as tf`: the tf namespace plus the TensorFlow 1 setup names.

Scripts ported with TF's upgrade tool start with `tf.disable_v2_behavior()` and seed with
`tf.set_random_seed`; both work (see `_tf1`). Graph-mode calls fail with the one-line message.
"""
from tkeras.compat.tf_namespace._tf1 import (  # noqa: F401
    ConfigProto, GPUOptions, InteractiveSession, Session, disable_eager_execution, disable_resource_variables,
    disable_tensor_equality, disable_v2_behavior, enable_eager_execution, enable_resource_variables,
    enable_v2_behavior, get_logger, logging, reset_default_graph, set_random_seed,
)


def __getattr__(name):
    from tkeras.compat import tf_namespace
    return getattr(tf_namespace, name)
