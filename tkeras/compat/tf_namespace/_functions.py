"""TensorFlow functions whose spelling or meaning differs from Keras 3's ops (`tf.shape` is a tensor,
`tf.argmax` defaults to axis 0, `reduce_*` names, `clip_by_value`, `boolean_mask`, `tf.print`)."""
import builtins
import contextlib
import functools
import numbers

import numpy as np
import torch

from tkeras.backend import integer_reductions
from tkeras.compat.tf_namespace._tf_print import tf_print
from tkeras.compat.tf_namespace._text_variable import TextVariable
from tkeras.data.text_face import TEXT_TENSOR_TYPES
from tkeras.ops import core, math_ops, shape_ops
from tkeras.ops.core import tensor, user_op


def _tf_keywords(op, **spellings):
    """`op` also taking its tensor argument under TensorFlow's keyword (`tf.math.argmax(input=logits)`,
    `tf.reduce_mean(input_tensor=x)`), as tutorials written against TensorFlow's signatures pass it; the
    op underneath still records itself on symbolic tensors."""
    @functools.wraps(op, updated=())
    def with_tf_keywords(*args, **kwargs):
        for tf_name, own_name in spellings.items():
            if tf_name in kwargs:
                if args or own_name in kwargs:
                    raise TypeError(f"{op.__name__}() got the tensor twice: as {tf_name}= and as "
                                    f"{'a positional argument' if args else own_name + '='}")
                kwargs[own_name] = kwargs.pop(tf_name)
        return op(*args, **kwargs)
    return with_tf_keywords


def _integer_tensor(x):
    """`x` as the tensor TensorFlow reduces as integers (Python ints convert to int32, NumPy keeps its
    dtype), or None when TensorFlow would not: floats, bools, symbolic tensors."""
    if isinstance(x, torch.Tensor):
        return x if integer_reductions.keeps_integer_dtype(x) else None
    if isinstance(x, builtins.bool) or not isinstance(x, (list, tuple, numbers.Integral, np.ndarray, np.generic)):
        return None
    try:
        kind = np.asarray(x).dtype.kind
    except (TypeError, ValueError, RuntimeError):  # ragged lists, tensors that need grad: not integer data
        return None
    return tensor(x) if kind in "iu" else None


def _tf_reduction(keras_op, integer_op):
    """`tf.reduce_*`: integers reduce in their own dtype, as in TensorFlow (backend/integer_reductions.py),
    where Keras' op would widen them or turn them into floats; everything else goes to Keras' op."""
    def reduction(x, axis=None, keepdims=False, name=None, **kwargs):
        keepdims = kwargs.pop("keep_dims", keepdims)  # TensorFlow 1's spelling
        integers = _integer_tensor(x)
        if integers is not None:
            return core.for_user(integer_op(integers, axis=axis, keepdims=keepdims))
        return keras_op(x, axis=axis, keepdims=keepdims, **kwargs)
    reduction.__name__ = keras_op.__name__
    return reduction


reduce_sum = _tf_keywords(_tf_reduction(math_ops.sum, integer_reductions.integer_sum), input_tensor="x")
reduce_prod = _tf_keywords(_tf_reduction(math_ops.prod, integer_reductions.integer_prod), input_tensor="x")
reduce_mean = _tf_keywords(_tf_reduction(math_ops.mean, integer_reductions.integer_mean), input_tensor="x")
reduce_max = _tf_keywords(math_ops.max, input_tensor="x")
reduce_min = _tf_keywords(math_ops.min, input_tensor="x")
reduce_any = _tf_keywords(math_ops.any, input_tensor="x")
reduce_all = _tf_keywords(math_ops.all, input_tensor="x")
reduce_std = _tf_keywords(math_ops.std, input_tensor="x")
reduce_variance = _tf_keywords(math_ops.var, input_tensor="x")
reduce_logsumexp = _tf_keywords(math_ops.logsumexp, input_tensor="x")
argmax = _tf_keywords(math_ops.tf_argmax, input="x")
argmin = _tf_keywords(math_ops.tf_argmin, input="x")
top_k = _tf_keywords(shape_ops.top_k, input="x")


@user_op
def shape(input, out_type=None, name=None):  # noqa: A002 - TensorFlow's name
    dtype = core.to_torch_dtype(out_type) or torch.int32
    return torch.tensor(core.dims_of(input), dtype=dtype)


@user_op
def rank(input, name=None):  # noqa: A002
    return torch.tensor(len(core.dims_of(input)), dtype=torch.int32)


@user_op
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return torch.clamp(tensor(t), clip_value_min, clip_value_max)


@user_op
def clip_by_norm(t, clip_norm, axes=None, name=None):
    t = tensor(t)
    norm = torch.sqrt(torch.sum(t * t, dim=axes, keepdim=True)) if axes is not None else torch.sqrt(torch.sum(t * t))
    return t * clip_norm / torch.maximum(norm, torch.as_tensor(clip_norm, dtype=t.dtype, device=t.device))


@user_op
def boolean_mask(tensor_, mask, axis=None, name=None):
    values = tensor(tensor_)
    mask = tensor(mask).bool()
    start = 0 if axis is None else int(axis)
    shape = values.shape
    flat = values.reshape(shape[:start] + (-1,) + shape[start + mask.dim():])
    return flat.index_select(start, torch.nonzero(mask.reshape(-1)).reshape(-1))


@user_op
def divide_no_nan(x, y, name=None):
    x, y = math_ops.pair(x, y)
    return torch.where(y == 0, torch.zeros_like(x * y), x / torch.where(y == 0, torch.ones_like(y), y))


@user_op
def count_nonzero(input, axis=None, keepdims=False, dtype=torch.int64, name=None):  # noqa: A002
    x = tensor(input) != 0
    result = x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)
    return result.to(core.to_torch_dtype(dtype))


@user_op
def in_top_k(targets=None, predictions=None, k=None, name=None):
    top = torch.topk(tensor(predictions), int(k), dim=-1).indices
    return (top == tensor(targets).long().unsqueeze(-1)).any(dim=-1)


@user_op
def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=torch.int32, name=None):
    labels, predictions = tensor(labels).long().reshape(-1), tensor(predictions).long().reshape(-1)
    classes = int(num_classes) if num_classes is not None else int(builtins.max(labels.max(), predictions.max())) + 1
    counts = torch.zeros((classes, classes), dtype=torch.float64, device=labels.device)
    w = torch.ones_like(labels, dtype=torch.float64) if weights is None else tensor(weights).double().reshape(-1)
    counts.index_put_((labels, predictions), w, accumulate=True)
    return counts.to(core.to_torch_dtype(dtype))


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """`tf.print`: TensorFlow's text for tensors, on standard error by default (see _tf_print.py)."""
    tf_print(*inputs, output_stream=output_stream, summarize=summarize, sep=sep, end=end, name=name)


def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's names
    """`tf.tile(x, multiples=[1, 2])`: TensorFlow's names for `keras.ops.tile(x, repeats)`."""
    from tkeras.ops.shape_ops import tile as tile_op
    return tile_op(input, multiples)


_TENSOR_TYPES = (torch.Tensor, TextVariable) + TEXT_TENSOR_TYPES  # a string tf.Variable is one too


def is_tensor(x):
    return isinstance(x, _TENSOR_TYPES)


def executing_eagerly():
    return True


def device(device_name):
    """`with tf.device(...)`: placement is tkeras' device setting (`tkeras.backend.set_device`); a no-op here."""
    return contextlib.nullcontext()


_SCOPES = []


@contextlib.contextmanager
def name_scope(name, *args, **kwargs):
    """Names nothing in tkeras (there is no graph), but keeps the nesting so get_current_name_scope
    answers as TensorFlow does."""
    _SCOPES.append(str(name).rstrip("/"))
    try:
        yield name
    finally:
        _SCOPES.pop()


def get_current_name_scope():
    return "/".join(s for s in _SCOPES if s)


@user_op
def norm(tensor_, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """TensorFlow's rules: 'fro'/'euclidean' over a vector or the whole tensor is the 2-norm, and with
    axis=None a numeric ord is the vector norm of the flattened tensor (Keras' norm follows NumPy's)."""
    tensor_ = math_ops.tensor(tensor_)
    if ord == "fro" and (axis is None or isinstance(axis, int) or len(axis) == 1):
        ord = "euclidean"  # noqa: A001
    if axis is None and ord != "euclidean":
        flat = math_ops.norm(tensor_.reshape(-1), ord=ord, axis=0)
        return flat.reshape((1,) * tensor_.dim()) if keepdims else flat
    return math_ops.norm(tensor_, ord=ord, axis=axis, keepdims=bool(keepdims))


@user_op
def matrix_transpose(a, name=None, conjugate=False):
    return tensor(a).transpose(-1, -2)


@user_op
def inv(input, adjoint=False, name=None):  # noqa: A002
    return torch.linalg.inv(tensor(input))


@user_op
def det(input, name=None):  # noqa: A002
    return torch.linalg.det(tensor(input))


@user_op
def diag(diagonal, name=None, **kwargs):
    return torch.diag_embed(tensor(diagonal))


@user_op
def log_sigmoid(x, name=None):
    return torch.nn.functional.logsigmoid(tensor(x).float() if not tensor(x).is_floating_point() else tensor(x))


@user_op
def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    return torch.complex(tensor(real), tensor(imag))


@user_op
def real(input, name=None):  # noqa: A002
    x = tensor(input)
    return x.real if x.is_complex() else x


@user_op
def imag(input, name=None):  # noqa: A002
    x = tensor(input)
    return x.imag if x.is_complex() else torch.zeros_like(x)


@user_op
def conj(x, name=None):
    x = tensor(x)
    return torch.conj_physical(x) if x.is_complex() else x


@user_op
def angle(input, name=None):  # noqa: A002
    return torch.angle(tensor(input))
