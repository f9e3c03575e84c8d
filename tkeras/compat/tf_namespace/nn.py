"""`tf.nn`: activations and the cross-entropies on logits."""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.nn import (  # noqa: F401
    bias_add, dropout, elu, gelu, l2_normalize, leaky_relu, log_softmax, moments, relu, relu6, selu, sigmoid,
    sigmoid_cross_entropy_with_logits, silu, softmax, softmax_cross_entropy_with_logits, softplus, softsign,
    sparse_softmax_cross_entropy_with_logits, swish, tanh,
)
from tkeras.ops.shape_ops import top_k  # noqa: F401
from tkeras.compat.tf_namespace._functions import in_top_k  # noqa: F401

softmax_cross_entropy_with_logits_v2 = softmax_cross_entropy_with_logits

__getattr__ = module_getattr("tf.nn")
