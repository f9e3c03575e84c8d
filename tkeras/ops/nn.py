"""Activations and the loss building blocks tutorials call directly (`tf.nn.*`, `keras.ops.*`)."""
import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op
from tkeras.ops.softmax_crossentropy import softmax_crossentropy_from_logits
from tkeras.ops.nn_activations import log_softmax_over as _log_softmax_over, piecewise_input as _piecewise_input


def _float(x):
    x = tensor(x)
    return x if x.is_floating_point() else x.to(torch.get_default_dtype())


# Named functions, not lambdas: a layer given `activation=keras.ops.relu` writes the function's name
# into its config, as Keras does ("relu"), and that name must read back.
@user_op
def relu(x, name=None):
    return torch.relu(_piecewise_input(x))


@user_op
def relu6(x, name=None):
    return F.relu6(_float(x))


@user_op
def sigmoid(x, name=None):
    return torch.sigmoid(_float(x))


@user_op
def tanh(x, name=None):
    return torch.tanh(_float(x))


@user_op
def softplus(x, name=None):
    return F.softplus(_float(x))


@user_op
def softsign(x, name=None):
    return F.softsign(_float(x))


@user_op
def silu(x, beta=1.0, name=None):
    return _float(x) * torch.sigmoid(beta * _float(x))


swish = silu


@user_op
def elu(x, alpha=1.0, name=None):
    return F.elu(_float(x), alpha)


@user_op
def selu(x, name=None):
    return F.selu(_float(x))


@user_op
def gelu(x, approximate=True, name=None):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


@user_op
def leaky_relu(x, negative_slope=0.2, name=None, alpha=None):
    """Keras' `negative_slope`; TensorFlow's spelling `alpha=` is accepted too."""
    return F.leaky_relu(_float(x), negative_slope if alpha is None else alpha)


@user_op
def softmax(x, axis=-1, name=None, dim=None):
    axis = axis if dim is None else dim
    if isinstance(axis, (tuple, list)):
        return torch.exp(_log_softmax_over(_float(x), axis))
    return torch.softmax(_float(x), dim=int(axis))


@user_op
def log_softmax(x, axis=-1, name=None, dim=None):
    axis = axis if dim is None else dim
    if isinstance(axis, (tuple, list)):
        return _log_softmax_over(_float(x), axis)
    return torch.log_softmax(_float(x), dim=int(axis))


@user_op
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None, order=2):
    x = _float(x)
    axis = axis if dim is None else dim
    squares = torch.sum(x * x, dim=axis, keepdim=True) if axis is not None else torch.sum(x * x)
    return x * torch.rsqrt(torch.clamp(squares, min=epsilon))


@user_op
def moments(x, axes, keepdims=False, synchronized=False, shift=None, name=None, keep_dims=None):
    x = _float(x)
    keepdims = keepdims if keep_dims is None else keep_dims
    dims = tuple(axes) if isinstance(axes, (list, tuple)) else (int(axes),)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x - mean), dim=dims, keepdim=keepdims)
    return (mean if keepdims else mean.squeeze(dims)), variance


@user_op
def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    labels, logits = _float(labels), _float(logits)
    return F.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype), reduction="none")


@user_op
def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    labels, logits = _float(labels), _float(logits)
    return softmax_crossentropy_from_logits(labels, logits, axis)


@user_op
def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    logits = _float(logits)
    labels = tensor(labels).long()
    flat = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), reduction="none")
    return flat.reshape(labels.shape)


@user_op
def dropout(x, rate=None, noise_shape=None, seed=None, name=None, keep_prob=None):
    if rate is None:
        rate = 1.0 - keep_prob if keep_prob is not None else 0.5
    x = _float(x)
    if rate <= 0:
        return x
    keep = (torch.rand(tuple(noise_shape) if noise_shape is not None else x.shape, device=x.device) >= rate)
    return x * keep.to(x.dtype) / (1.0 - rate)


def bias_add(value, bias, data_format=None, name=None):
    from tkeras.ops.math_ops import add
    value, bias = tensor(value), tensor(bias)
    if data_format in ("NCHW", "NCW", "NCDHW", "channels_first"):
        bias = bias.reshape((-1,) + (1,) * (value.dim() - 2))
    return add(value, bias)


# The rest of Keras 3's `ops.nn` namespace, defined by concern in their own modules.
from tkeras.ops.nn_activations import (  # noqa: E402,F401
    celu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh, log_sigmoid, soft_shrink,
    sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh_shrink, threshold,
)
from tkeras.ops.nn_losses import (  # noqa: E402,F401
    binary_crossentropy, categorical_crossentropy, ctc_decode, ctc_loss, psnr, sparse_categorical_crossentropy,
)
from tkeras.ops.nn_normalization import (  # noqa: E402,F401
    batch_normalization, layer_normalization, rms_normalization,
)
from tkeras.ops.attention import (  # noqa: E402,F401
    dot_product_attention,
)
from tkeras.ops.conv_ops import (  # noqa: E402,F401
    adaptive_average_pool, adaptive_max_pool, average_pool, conv, conv_transpose, depth_to_space,
    depthwise_conv, fold, max_pool, separable_conv, space_to_depth, unfold,
)
from tkeras.ops.nn_normalization import normalize  # noqa: E402,F401 - Keras' (l2_normalize is TensorFlow's)
from tkeras.ops.elementwise import polar  # noqa: E402,F401
from tkeras.ops.shape_ops import one_hot  # noqa: E402,F401
from tkeras.ops.tensor_updates import multi_hot  # noqa: E402,F401
