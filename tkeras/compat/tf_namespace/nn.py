"""`tf.nn`: activations, cross-entropies on logits, convolutions and pooling, sampled losses, CTC."""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.nn import (  # noqa: F401
    bias_add, dropout, gelu, l2_normalize, log_softmax, moments, sigmoid_cross_entropy_with_logits, silu, softmax,
    softmax_cross_entropy_with_logits, sparse_softmax_cross_entropy_with_logits, swish,
)
# These also take RaggedTensors, as TensorFlow's ragged dispatch does (see _ragged_dispatch.py).
from tkeras.compat.tf_namespace._ragged_dispatch import (  # noqa: F401
    elu, leaky_relu, relu, relu6, selu, sigmoid, softplus, softsign, tanh,
)
from tkeras.compat.tf_namespace._functions import top_k  # noqa: F401
from tkeras.compat.tf_namespace._functions import in_top_k  # noqa: F401

from tkeras.compat.tf_namespace._math_extra import zero_fraction  # noqa: F401, E402
from tkeras.compat.tf_namespace._nn_conv import (  # noqa: F401, E402
    avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, conv1d, conv1d_transpose, conv2d, conv2d_transpose, conv3d,
    conv3d_transpose, conv_transpose, depthwise_conv2d, max_pool, max_pool1d, max_pool2d, max_pool3d, pool,
    separable_conv2d,
)
from tkeras.compat.tf_namespace._nn_conv import convolution as _convolution  # noqa: E402
from tkeras.compat.tf_namespace._nn_extra import (  # noqa: F401, E402
    approx_max_k, approx_min_k, batch_normalization, compute_average_loss, crelu, depth_to_space,
    embedding_lookup, l2_loss, local_response_normalization, log_poisson_loss, lrn, normalize_moments,
    scale_regularization_loss, space_to_depth, sufficient_statistics, weighted_cross_entropy_with_logits,
    weighted_moments,
)
from tkeras.compat.tf_namespace._nn_ctc import (  # noqa: F401, E402
    collapse_repeated, ctc_beam_search_decoder, ctc_greedy_decoder, ctc_loss, ctc_unique_labels,
)
from tkeras.compat.tf_namespace._nn_misc import (  # noqa: F401, E402
    atrous_conv2d, atrous_conv2d_transpose, batch_norm_with_global_normalization, depthwise_conv2d_backprop_filter,
    depthwise_conv2d_backprop_input, embedding_lookup_sparse, isotonic_regression, safe_embedding_lookup_sparse,
    space_to_batch,
)
from tkeras.compat.tf_namespace._nn_morphology import (  # noqa: F401, E402
    dilation2d, erosion2d, fractional_avg_pool, fractional_max_pool, max_pool_with_argmax,
)
from tkeras.compat.tf_namespace._nn_rnn_wrappers import (  # noqa: F401, E402
    RNNCellDeviceWrapper, RNNCellDropoutWrapper, RNNCellResidualWrapper,
)
from tkeras.compat.tf_namespace._nn_sampled import (  # noqa: F401, E402
    compute_accidental_hits, nce_loss, sampled_softmax_loss,
)
# tf.nn shares these samplers with tf.random (the same functions in TensorFlow too)
from tkeras.compat.tf_namespace.random import (  # noqa: F401, E402
    all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler,
)
from tkeras.ops.core import user_op as _user_op  # noqa: E402

convolution = _user_op(_convolution)
softmax_cross_entropy_with_logits_v2 = softmax_cross_entropy_with_logits

__getattr__ = module_getattr("tf.nn")
