"""The Keras 2 backend functions (`from keras import backend as K; K.mean(...)`) on torch tensors.

Tutorial code uses these in custom losses and metrics (`K.mean(K.square(y_pred - y_true))`), for
settings (`K.image_data_format()`, `K.clear_session()`), and to read/write optimizer attributes
(`K.set_value(model.optimizer.lr, 0.001)`).
"""
import numpy as np
import torch

from tkeras.backend import config, integer_reductions, reversed_slices
from tkeras.backend.keras_tensor import KerasTensor, record_in_graphs


def _t(x):
    if isinstance(x, torch.Tensor):
        return x
    tensor = torch.as_tensor(reversed_slices.without_negative_strides(np.asarray(x)))
    if tensor.dtype == torch.float64:
        tensor = tensor.to(config.standardize_dtype(None))
    return tensor


def _format(op, data_format):
    return config.standardize_data_format(data_format, f"K.{op}")


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def image_dim_ordering():
    """Keras 1: 'tf' meant channels_last, 'th' channels_first."""
    return "tf" if config.image_data_format() == "channels_last" else "th"


def set_image_dim_ordering(value):
    if value not in ("tf", "th"):
        raise ValueError(f"set_image_dim_ordering expects 'tf' or 'th', received {value!r}")
    config.set_image_data_format("channels_last" if value == "tf" else "channels_first", from_dim_ordering=True)


def learning_phase():
    from tkeras.backend.context import CALL_CONTEXT
    return int(bool(CALL_CONTEXT.training))


def set_learning_phase(value):
    from tkeras.backend.context import CALL_CONTEXT
    CALL_CONTEXT.training = bool(value)


def variable(value, dtype=None, name=None, constraint=None):
    from tkeras.backend.variable import Variable
    return Variable(value, dtype=dtype, name=name)


def constant(value, dtype=None, shape=None, name=None):
    tensor = _t(value)
    if dtype is not None:
        tensor = tensor.to(config.standardize_dtype(dtype))
    if shape is not None:
        tensor = tensor.expand(shape) if tensor.dim() == 0 else tensor.reshape(shape)
    return tensor


def get_value(x):
    """A NumPy array or scalar from a tensor or Variable, as Keras 2's `x.numpy()`/`x.eval()` gave:
    `K.get_value(optimizer.lr)` is `np.float32(0.01)`, which prints `0.01` (a Python float of the
    float32 would print 0.009999999776482582). Anything else (a Python number) comes back as it is."""
    if isinstance(x, np.ndarray) or np.isscalar(x):
        return x
    if hasattr(x, "numpy"):
        value = x.numpy()
    elif isinstance(x, torch.Tensor):
        value = x.detach().cpu().numpy()
    else:
        value = np.asarray(x)
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value):
    if hasattr(x, "assign"):
        x.assign(value)
        return
    raise TypeError(f"K.set_value needs a variable (something with .assign), received {type(x).__name__}")


def batch_set_value(pairs):
    for x, value in pairs:
        set_value(x, value)


def eval(x):  # noqa: A001 - Keras' name
    return get_value(x)


def int_shape(x):
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else None


def shape(x):
    return torch.tensor(tuple(_t(x).shape))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    if isinstance(x, KerasTensor):  # a symbolic tensor knows its dtype
        return x.dtype
    return config.dtype_name(_t(x).dtype)


def cast(x, dtype):
    return _t(x).to(config.standardize_dtype(dtype))


def zeros(shape, dtype=None, name=None):
    return torch.zeros(tuple(shape), dtype=config.standardize_dtype(dtype))


def ones(shape, dtype=None, name=None):
    return torch.ones(tuple(shape), dtype=config.standardize_dtype(dtype))


def zeros_like(x, dtype=None, name=None):
    return torch.zeros_like(_t(x), dtype=config.standardize_dtype(dtype) if dtype else None)


def ones_like(x, dtype=None, name=None):
    return torch.ones_like(_t(x), dtype=config.standardize_dtype(dtype) if dtype else None)


def mean(x, axis=None, keepdims=False):
    """Keras 2's: a bool tensor averages as floats, an integer one in its own dtype, truncated
    (`tf.reduce_mean`'s rule, backend/integer_reductions.py)."""
    x = _t(x)
    if integer_reductions.keeps_integer_dtype(x):
        return integer_reductions.integer_mean(x, axis, keepdims)
    x = x if x.is_floating_point() else x.float()
    return x.mean() if axis is None else x.mean(dim=_axis(axis), keepdim=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    if integer_reductions.keeps_integer_dtype(x):
        return integer_reductions.integer_sum(x, axis, keepdims)
    return x.sum() if axis is None else x.sum(dim=_axis(axis), keepdim=keepdims)


def prod(x, axis=None, keepdims=False):
    x = _t(x)
    if integer_reductions.keeps_integer_dtype(x):
        return integer_reductions.integer_prod(x, axis, keepdims)
    return x.prod() if axis is None else x.prod(dim=axis, keepdim=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    return x.max() if axis is None else torch.amax(x, dim=_axis(axis), keepdim=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x)
    return x.min() if axis is None else torch.amin(x, dim=_axis(axis), keepdim=keepdims)


def var(x, axis=None, keepdims=False):
    x = _t(x)
    return x.var(unbiased=False) if axis is None else x.var(dim=_axis(axis), keepdim=keepdims, unbiased=False)


def std(x, axis=None, keepdims=False):
    return torch.sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x).bool()
    return x.any() if axis is None else x.any(dim=axis, keepdim=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    x = _t(x).bool()
    return x.all() if axis is None else x.all(dim=axis, keepdim=keepdims)


def argmax(x, axis=-1):
    return torch.argmax(_t(x), dim=axis)


def argmin(x, axis=-1):
    return torch.argmin(_t(x), dim=axis)


def square(x):
    return torch.square(_t(x))


def sqrt(x):
    return torch.sqrt(torch.clamp(_t(x), min=0.0))


def abs(x):  # noqa: A001
    return torch.abs(_t(x))


def exp(x):
    return torch.exp(_t(x))


def log(x):
    return torch.log(_t(x))


def pow(x, a):  # noqa: A001
    return torch.pow(_t(x), a)


def round(x):  # noqa: A001
    return torch.round(_t(x))


def sign(x):
    return torch.sign(_t(x))


def clip(x, min_value, max_value):
    return torch.clamp(_t(x), min_value, max_value)


def equal(x, y):
    return torch.eq(_t(x), _t(y))


def not_equal(x, y):
    return torch.ne(_t(x), _t(y))


def greater(x, y):
    return torch.gt(_t(x), _t(y))


def greater_equal(x, y):
    return torch.ge(_t(x), _t(y))


def less(x, y):
    return torch.lt(_t(x), _t(y))


def less_equal(x, y):
    return torch.le(_t(x), _t(y))


def maximum(x, y):
    return torch.maximum(_t(x), _t(y))


def minimum(x, y):
    return torch.minimum(_t(x), _t(y))


def dot(x, y):
    return torch.matmul(_t(x), _t(y))


def batch_dot(x, y, axes=None):
    x, y = _t(x), _t(y)
    if axes is None:
        axes = (x.dim() - 1, y.dim() - 2)
    if isinstance(axes, int):
        axes = (axes, axes)
    return torch.einsum("bi,bi->b", x, y).unsqueeze(-1) if x.dim() == 2 and y.dim() == 2 else torch.bmm(
        x.movedim(axes[0], -1), y.movedim(axes[1], 1))


def transpose(x):
    x = _t(x)
    return x.permute(*reversed(range(x.dim())))


def permute_dimensions(x, pattern):
    return _t(x).permute(*pattern)


def reshape(x, shape):
    return _t(x).reshape(tuple(shape))


def flatten(x):
    return _t(x).reshape(-1)


def batch_flatten(x):
    x = _t(x)
    return x.reshape(x.shape[0], -1)


def expand_dims(x, axis=-1):
    return _t(x).unsqueeze(axis)


def squeeze(x, axis):
    return _t(x).squeeze(axis)


def concatenate(tensors, axis=-1):
    return torch.cat([_t(t) for t in tensors], dim=axis)


def stack(tensors, axis=0):
    return torch.stack([_t(t) for t in tensors], dim=axis)


def repeat_elements(x, rep, axis):
    return torch.repeat_interleave(_t(x), rep, dim=axis)


def tile(x, n):
    return _t(x).repeat(*n) if isinstance(n, (list, tuple)) else _t(x).repeat(n)


def one_hot(indices, num_classes):
    return torch.nn.functional.one_hot(_t(indices).long(), num_classes).float()


def switch(condition, then_expression, else_expression):
    return torch.where(_t(condition).bool(), _t(then_expression), _t(else_expression))


def in_train_phase(x, alt, training=None):
    if training is None:
        training = learning_phase()
    value = x if training else alt
    return value() if callable(value) else value


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    from tkeras import activations
    return activations.relu(_t(x), alpha, max_value, threshold)


def sigmoid(x):
    return torch.sigmoid(_t(x))


def hard_sigmoid(x):
    return torch.clamp(0.2 * _t(x) + 0.5, 0.0, 1.0)


def tanh(x):
    return torch.tanh(_t(x))


def softmax(x, axis=-1):
    return torch.softmax(_t(x), dim=axis)


def softplus(x):
    return torch.nn.functional.softplus(_t(x))


def softsign(x):
    return torch.nn.functional.softsign(_t(x))


def elu(x, alpha=1.0):
    return torch.nn.functional.elu(_t(x), alpha)


def l2_normalize(x, axis=None):
    return torch.nn.functional.normalize(_t(x), dim=-1 if axis is None else axis)


def binary_crossentropy(target, output, from_logits=False):
    target, output = _t(target), _t(output)
    if from_logits:
        return torch.nn.functional.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1 - eps)
    return -(target * torch.log(output) + (1 - target) * torch.log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _t(output)
    if from_logits:
        return -(target * torch.log_softmax(output, dim=axis)).sum(dim=axis)
    output = output / output.sum(dim=axis, keepdim=True)
    output = torch.clamp(output, config.epsilon(), 1 - config.epsilon())
    return -(target * torch.log(output)).sum(dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = torch.movedim(_t(output), axis, -1)
    target = _t(target).long().reshape(-1)
    logits = output if from_logits else torch.log(torch.clamp(output, config.epsilon(), 1 - config.epsilon()))
    flat = logits.reshape(-1, logits.shape[-1])  # (samples, classes): a loss per position of the target
    losses = torch.nn.functional.nll_loss(torch.log_softmax(flat, dim=-1) if from_logits else flat, target,
                                          reduction="none")
    return losses.reshape(output.shape[:-1])


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, **kwargs):
    stddev = kwargs.pop("std", stddev)  # Keras 1's name
    if kwargs:
        raise TypeError(f"random_normal() got unexpected keyword argument(s) {sorted(kwargs)}")
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    return torch.normal(mean, stddev, size=tuple(shape), generator=gen).to(config.standardize_dtype(dtype))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    out = torch.rand(tuple(shape), generator=gen) * (maxval - minval) + minval
    return out.to(config.standardize_dtype(dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    return (random_uniform(shape, seed=seed) < p).to(config.standardize_dtype(dtype))


def is_tensor(x):
    return isinstance(x, torch.Tensor)


def is_keras_tensor(x):
    from tkeras.backend.keras_tensor import KerasTensor
    return isinstance(x, KerasTensor)


def count_params(x):
    return int(np.prod(int_shape(x)))


def manual_variable_initialization(value):
    """TF1 session detail; nothing to do on torch."""


def get_session():
    raise NotImplementedError("K.get_session() (TensorFlow 1 sessions) is not supported in tkeras: "
                              "there is no session; tensors are evaluated eagerly")


def set_session(session):
    get_session()


def gradients(loss, variables):
    """`K.gradients(loss, variables)` on symbolic tensors (graph_gradients.py)."""
    from tkeras.backend import graph_gradients
    return graph_gradients.gradients(loss, variables)


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "shape", "cast", "zeros_like", "ones_like", "mean", "sum", "prod", "max", "min", "var", "std", "any", "all",
    "argmax", "argmin", "square", "sqrt", "abs", "exp", "log", "pow", "round", "sign", "clip", "equal",
    "not_equal", "greater", "greater_equal", "less", "less_equal", "maximum", "minimum", "dot", "batch_dot",
    "transpose", "permute_dimensions", "reshape", "flatten", "batch_flatten", "expand_dims", "squeeze",
    "concatenate", "stack", "repeat_elements", "tile", "one_hot", "switch", "in_train_phase", "in_test_phase",
    "relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "l2_normalize",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "random_normal",
    "random_uniform", "random_binomial"
])
