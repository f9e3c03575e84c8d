"""The object tree `import tensorflow as tf` resolves to under tkeras' import hook.

It holds what tutorials use of TensorFlow itself: tensors (`tf.constant`, `tf.Variable`), the tape,
math (`tf.matmul`, `tf.reduce_mean`, `tf.nn.relu`, `tf.random.normal`), dtypes, device queries, the
input-pipeline side of Keras' examples (`tf.data`, `tf.image`, `tf.strings`, `tf.io`, `tf.audio`,
`tf.signal`, `tf.cond`/`tf.py_function` in map functions), and `tf.keras`, which is tkeras. Every
numeric result is a torch tensor with TensorFlow's face (text stays NumPy str, see `_text.py`);
everything else fails with one line: "tf.X is not supported in tkeras".
"""
import torch

import tkeras as keras
from tkeras.compat.legacy import versions as _versions
from tkeras.backend.eager_tensor import TensorShape
from tkeras.backend.gradient_tape import GradientTape, UnconnectedGradients
from tkeras.compat.tf_namespace import config, dtypes, linalg, math, nn, random, test
# tf.image and tf.signal are imported with the package (not lazily): a saved functional model that calls
# tf.image.resize or tf.signal.stft names the op, and loading finds it by importing this package alone.
from tkeras.compat.tf_namespace import image, signal
from tkeras.compat.tf_namespace._control_flow import (
    TensorSpec, case, cond, ensure_shape, map_fn, numpy_function, py_function, switch_case, while_loop,
)
from tkeras.compat.tf_namespace._functions import (
    argmax, argmin, boolean_mask, clip_by_norm, clip_by_value, complex, conj, count_nonzero, device, executing_eagerly,
    imag, is_tensor, name_scope, norm, print, rank, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean,
    real, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance, shape,
)
from tkeras.compat.tf_namespace._text import constant, convert_to_tensor, expand_dims, string
from tkeras.compat.tf_namespace._tf1 import (
    ConfigProto, GPUOptions, InteractiveSession, Session, disable_eager_execution, disable_v2_behavior,
    enable_eager_execution, enable_v2_behavior, get_logger, logging, reset_default_graph, set_random_seed,
)
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.compat.tf_namespace._variable import Variable
from tkeras.compat.tf_namespace.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64, half, int8, int16,
    int32, int64, uint8,
)
from tkeras.ops.core import (
    cast, eye, fill, identity, linspace, ones, ones_like, range, size, stop_gradient,
    zeros, zeros_like,
)
from tkeras.ops.graph_function import function
from tkeras.ops.math_ops import (
    abs, add, cos, cumsum, divide, einsum, equal, exp, floor, greater, greater_equal, less, less_equal, log,
    logical_and, logical_not, logical_or, matmul, maximum, minimum, multiply, negative, not_equal, pow, round,
    sign, sin, sqrt, square, squared_difference, subtract, tanh, tensordot, true_divide as truediv,
)
from tkeras.ops.nn import sigmoid
from tkeras.ops.shape_ops import (
    broadcast_to, concat, gather, one_hot, pad, repeat, reshape, reverse, sort, split, squeeze, stack,
    tile, transpose, unstack, argsort,
)
from tkeras.ops.shape_ops import tf_where as where

# The TensorFlow API level tkeras follows, as a str that compares as a version (compat/legacy/versions.py).
__version__ = VERSION = _versions.TENSORFLOW_VERSION  # tf.VERSION: TensorFlow 1's spelling
GIT_VERSION = _versions.TENSORFLOW_GIT_VERSION
version = Namespace("tf.version", VERSION=__version__, GIT_VERSION=GIT_VERSION)
newaxis = None


class _TensorType(type):
    def __instancecheck__(cls, instance):
        return isinstance(instance, torch.Tensor)

    def __subclasscheck__(cls, subclass):
        return isinstance(subclass, type) and issubclass(subclass, torch.Tensor)


class Tensor(metaclass=_TensorType):
    """`isinstance(x, tf.Tensor)`: any torch tensor (tkeras' tensors are torch tensors)."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("tf.Tensor cannot be constructed directly; use tf.constant(value)")


autograph = Namespace("tf.autograph", set_verbosity=lambda level, alsologtostdout=False: None,
                      experimental=Namespace("tf.autograph.experimental", do_not_convert=lambda func=None, **k: func))
debugging = Namespace("tf.debugging", set_log_device_placement=lambda enabled: None)

# Loaded on first use: `tf.data`, `tf.train`, ... and TF 2's short names for Keras modules.
_LAZY_MODULES = {
    "data": "tkeras.compat.tf_namespace.data",
    "io": "tkeras.compat.tf_namespace.io",
    "audio": "tkeras.compat.tf_namespace.audio",
    "strings": "tkeras.compat.tf_namespace.strings",
    "train": "tkeras.compat.tf_namespace.train",
    "distribute": "tkeras.compat.tf_namespace.distribute",
    "compat": "tkeras.compat.tf_namespace.compat",
    "python": "tkeras.compat.tf_namespace.python",
    "optimizers": "tkeras.optimizers",
    "losses": "tkeras.losses",
    "metrics": "tkeras.metrics",
    "initializers": "tkeras.initializers",
    "mixed_precision": "tkeras.mixed_precision",
}
_unsupported_getattr = module_getattr("tf")


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib
        module = importlib.import_module(_LAZY_MODULES[name])
        globals()[name] = module
        return module
    return _unsupported_getattr(name)
