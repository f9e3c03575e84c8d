"""TensorFlow 1 names that tutorial scripts call for setup, kept working on tkeras.

`tf.set_random_seed(42)` seeds torch (TF1's graph seed); logging/verbosity calls map onto Python's
`logging` ("tensorflow" logger); `disable_eager_execution()` and friends are accepted (tkeras is eager,
and Keras code computes the same either way; only the loops' printing follows the switch).
`tf.ConfigProto`/`tf.Session(config=...)` exist only for the ubiquitous GPU-memory snippet; running a
graph in a session is not supported and says so.
"""
import logging as _logging

from tkeras.compat.tf_namespace._seeds import set_global_seed as set_seed
from tkeras.compat.tf_namespace._unsupported import Namespace, unsupported
from tkeras.training.graph_mode_loops import request_graph_mode


def set_random_seed(seed):
    """TF1's `tf.set_random_seed`: seeds torch's generator, as TF 2's `tf.random.set_seed` does."""
    set_seed(seed)


def get_logger():
    return _logging.getLogger("tensorflow")


def _set_verbosity(level):
    get_logger().setLevel(level)


logging = Namespace(
    "tf.logging", set_verbosity=_set_verbosity, get_verbosity=lambda: get_logger().getEffectiveLevel(),
    DEBUG=_logging.DEBUG, INFO=_logging.INFO, WARN=_logging.WARNING, WARNING=_logging.WARNING,
    ERROR=_logging.ERROR, FATAL=_logging.FATAL,
    info=get_logger().info, warning=get_logger().warning, warn=get_logger().warning, error=get_logger().error,
)


def _accepted(*args, **kwargs):
    """TF1/TF2 behaviour switches: tkeras always runs eagerly, Keras code behaves the same either way."""


def disable_eager_execution(*args, **kwargs):
    """tkeras still runs eagerly; Keras' loops then print as tf-keras 2's graph loops did
    (`training/graph_mode_loops.py`: fit counts samples, evaluate and predict draw no bar)."""
    request_graph_mode(True)


def enable_eager_execution(*args, **kwargs):
    request_graph_mode(False)


disable_v2_behavior, enable_v2_behavior = disable_eager_execution, enable_eager_execution
disable_resource_variables = enable_resource_variables = disable_tensor_equality = _accepted


def reset_default_graph():
    """TF1 tutorials call this before building a model: in tkeras it resets Keras' names (clear_session)."""
    from tkeras.backend import clear_session
    clear_session()


class _Options:
    """Attribute bag standing in for TF1's protobuf option messages (`config.gpu_options.allow_growth`)."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _Options()
        setattr(self, name, value)
        return value


def ConfigProto(**kwargs):  # noqa: N802 - TensorFlow's name
    return _Options(**kwargs)


GPUOptions = ConfigProto


class Session:
    """`tf.Session(config=...)` for the GPU-memory snippet; `run` is not supported (no graphs in tkeras)."""

    def __init__(self, target="", graph=None, config=None):
        self.config = config

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        raise unsupported("tf.Session.run")


InteractiveSession = Session
