"""The object tree `import tensorflow as tf` resolves to under tkeras' import hook.

It holds what tutorials use of TensorFlow itself: tensors (`tf.constant`, `tf.Variable`), the tape,
math (`tf.matmul`, `tf.reduce_mean`, `tf.nn.relu`, `tf.random.normal`), dtypes, device queries, the
input-pipeline side of Keras' examples (`tf.data`, `tf.image`, `tf.strings`, `tf.io`, `tf.audio`,
`tf.signal`, `tf.cond`/`tf.py_function` in map functions), and `tf.keras`, which is tkeras. Every
numeric result is a torch tensor with TensorFlow's face (text stays NumPy str, see `_text.py`);
everything else fails with one line: "tf.X is not supported in tkeras".
"""
import sys

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
    imag, is_tensor, name_scope, norm, print, rank, real, shape, tile,
)
# These also take RaggedTensors, as TensorFlow's ragged dispatch does (see _ragged_dispatch.py).
from tkeras.compat.tf_namespace._ragged_dispatch import (
    abs, add, cos, divide, equal, exp, expand_dims, floor, gather, greater, greater_equal, less, less_equal, log,
    logical_and, logical_not, logical_or, maximum, minimum, multiply, negative, not_equal, ones_like, pow,
    reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std,
    reduce_sum, reduce_variance, reverse, round, sigmoid, sign, sin, size, sqrt, square, squared_difference, stack,
    subtract, tanh, true_divide as truediv, where, zeros_like,
)
from tkeras.compat.tf_namespace._text import constant, convert_to_tensor, string
from tkeras.compat.tf_namespace._tf1 import (
    ConfigProto, GPUOptions, InteractiveSession, Session, disable_eager_execution, disable_v2_behavior,
    enable_eager_execution, enable_v2_behavior, get_logger, logging, reset_default_graph, set_random_seed,
)
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.data.text_face import TEXT_TENSOR_TYPES as _TEXT_TENSOR_TYPES
from tkeras.compat.tf_namespace._variable import Variable
from tkeras.compat.tf_namespace import _size_methods, _tensor_methods
from tkeras.compat.tf_namespace.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64, half, int8, int16,
    int32, int64, uint8,
)
from tkeras.ops.core import cast, eye, fill, identity, linspace, ones, range, stop_gradient, zeros
from tkeras.ops.graph_function import function
from tkeras.ops.math_ops import einsum, matmul, tensordot
from tkeras.ops.shape_ops import broadcast_to, one_hot, repeat, sort, squeeze, transpose, unstack, argsort
from tkeras.compat.tf_namespace._text_pad import pad
from tkeras.compat.tf_namespace._ragged_concat import concat
from tkeras.compat.tf_namespace._reshape import reshape

_tensor_methods.install()  # x.get_shape() / x.set_shape() inside layer calls (see _tensor_methods.py)
_size_methods.install()  # x.shape.as_list() there too (see _size_methods.py)

# The TensorFlow API level tkeras follows, as a str that compares as a version (compat/legacy/versions.py).
__version__ = VERSION = _versions.TENSORFLOW_VERSION  # tf.VERSION: TensorFlow 1's spelling
GIT_VERSION = _versions.TENSORFLOW_GIT_VERSION
version = Namespace("tf.version", VERSION=__version__, GIT_VERSION=GIT_VERSION)
newaxis = None


class _TensorType(type):
    def __instancecheck__(cls, instance):
        return is_tensor(instance)

    def __subclasscheck__(cls, subclass):
        return isinstance(subclass, type) and issubclass(subclass, (torch.Tensor,) + _TEXT_TENSOR_TYPES)


class Tensor(metaclass=_TensorType):
    """`isinstance(x, tf.Tensor)`: any torch tensor (tkeras' tensors are torch tensors), and text as tf.constant
    and tf.data hand it out (tkeras keeps text as NumPy str arrays, see data/text_face.py)."""

    def __new__(cls, *args, **kwargs):
        raise TypeError("tf.Tensor cannot be constructed directly; use tf.constant(value)")


def _to_graph(entity, recursive=True, experimental_optional_features=None):
    return entity  # tkeras runs the Python function itself: there is no graph to convert to


def _to_code(entity, recursive=True, experimental_optional_features=None):
    import inspect
    return inspect.getsource(entity)  # the "converted" code is the original: tkeras does not rewrite it


def _trace(*args):
    import builtins
    builtins.print(*args)  # autograph.trace prints eagerly; here every call is eager


autograph = Namespace("tf.autograph", set_verbosity=lambda level, alsologtostdout=False: None,
                      to_graph=_to_graph, to_code=_to_code, trace=_trace,
                      experimental=Namespace("tf.autograph.experimental", do_not_convert=lambda func=None, **k: func))
# Namespaces that exist only to say what to use instead: each name in them fails with that hint.
saved_model = Namespace("tf.saved_model")
lite = Namespace("tf.lite")
from tkeras.compat.tf_namespace import bitwise, debugging, errors, nest, sets  # noqa: E402
from tkeras.compat.tf_namespace.debugging import (  # noqa: E402
    Assert, assert_equal, assert_greater, assert_less, assert_rank,
)
from tkeras.compat.tf_namespace._math_extra import (  # noqa: E402
    acosh, add_n, asinh, atan2, atanh, cumsum, realdiv, scalar_mul, truncatediv, truncatemod,
)
from tkeras.compat.tf_namespace.math import acos, asin, atan, cosh, sinh, tan  # noqa: E402
from tkeras.compat.tf_namespace._array_extra import (  # noqa: E402
    bitcast, broadcast_dynamic_shape, broadcast_static_shape, clip_by_global_norm, dynamic_partition, dynamic_stitch,
    gather_nd, histogram_fixed_width, histogram_fixed_width_bins, identity_n, meshgrid, parallel_stack,
    reverse_sequence, roll, saturate_cast, scatter_nd, searchsorted, sequence_mask, shape_n, slice, split,
    strided_slice,
    tensor_scatter_nd_add, tensor_scatter_nd_max, tensor_scatter_nd_min, tensor_scatter_nd_sub,
    tensor_scatter_nd_update, unique, unique_with_counts, unravel_index,
)
from tkeras.compat.tf_namespace._graph_extra import (  # noqa: E402
    AggregationMethod, VariableAggregation, VariableSynchronization, control_dependencies, custom_gradient, foldl,
    foldr, get_static_value, grad_pass_through, group, init_scope, inside_function, is_symbolic_tensor, no_op,
    recompute_grad, scan, tuple, vectorized_map,
)
uint16, uint32, uint64 = torch.uint16, torch.uint32, torch.uint64
from tkeras.compat.tf_namespace.dtypes import (  # noqa: E402
    qint8, qint16, qint32, quint8, quint16, resource, variant,
)
from tkeras.compat.tf_namespace._functions import get_current_name_scope  # noqa: E402
from tkeras.compat.tf_namespace.linalg import eig, eigvals, sqrtm as matrix_square_root  # noqa: E402
from tkeras.compat.tf_namespace.signal import fftnd, ifftnd, irfftnd, rfftnd  # noqa: E402
zeros_initializer = keras.initializers.Zeros
ones_initializer = keras.initializers.Ones
constant_initializer = keras.initializers.Constant
random_normal_initializer = keras.initializers.RandomNormal
random_uniform_initializer = keras.initializers.RandomUniform

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
    "summary": "tkeras.compat.tf_namespace.summary",
    "sparse": "tkeras.compat.tf_namespace.sparse",
    "lookup": "tkeras.compat.tf_namespace.lookup",
    "ragged": "tkeras.compat.tf_namespace.ragged",
    "experimental": "tkeras.compat.tf_namespace.experimental",
    "feature_column": "tkeras.compat.tf_namespace.feature_column",
}
# Top-level classes loaded with their module on first use (name -> module).
_LAZY_NAMES = {
    "gradients": "tkeras.compat.tf_namespace._gradients",
    "Module": "tkeras.compat.tf_namespace.module",
    "TensorArray": "tkeras.compat.tf_namespace.tensor_array",
    "SparseTensor": "tkeras.compat.tf_namespace.sparse",
    "SparseTensorSpec": "tkeras.compat.tf_namespace.sparse",
    "RaggedTensor": "tkeras.compat.tf_namespace.ragged",
    "RaggedTensorSpec": "tkeras.compat.tf_namespace.ragged",
    "as_string": "tkeras.compat.tf_namespace.strings",
    "IndexedSlices": "tkeras.compat.tf_namespace._specs",
    "IndexedSlicesSpec": "tkeras.compat.tf_namespace._specs",
    "TypeSpec": "tkeras.compat.tf_namespace._specs",
    "TensorArraySpec": "tkeras.compat.tf_namespace._specs",
    "NoneTensorSpec": "tkeras.compat.tf_namespace._specs",
    "OptionalSpec": "tkeras.compat.tf_namespace._specs",
    "type_spec_from_value": "tkeras.compat.tf_namespace._specs",
    "types": "tkeras.compat.tf_namespace._specs",
}
# Plain functions of _top_extra.py, loaded with it on first use.
_LAZY_NAMES.update(dict.fromkeys([
    "approx_top_k", "batch_to_space", "edit_distance", "extract_volume_patches", "fingerprint", "hessians",
    "no_gradient", "RegisterGradient", "register_tensor_conversion_function", "required_space_to_batch_paddings",
    "space_to_batch", "space_to_batch_nd", "timestamp", "variable_creator_scope",
], "tkeras.compat.tf_namespace._top_extra"))
_unsupported_getattr = module_getattr("tf")

# `tf.reshape(tensor=x)`, `tf.matmul(a=x, b=y)`, `tf.nn.softmax(logits=z)`: TensorFlow's keyword names.
from tkeras.compat.tf_namespace import _tf_keyword_spellings  # noqa: E402
_tf_keyword_spellings.install({"": sys.modules[__name__], "math": math, "linalg": linalg, "nn": nn})


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib
        module = importlib.import_module(_LAZY_MODULES[name])
        globals()[name] = module
        return module
    if name in _LAZY_NAMES:
        import importlib
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    return _unsupported_getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES))
