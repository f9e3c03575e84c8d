"""Backend policy (dtype, epsilon, device) and the Variable type that layer weights are made of.

It is also tf-keras 2's `K.*` function namespace (`from keras import backend as K`): the maths and
settings in `functions.py`, convolutions and pooling in `functions_conv.py`, `K.rnn` and the folds in
`functions_rnn.py`, CTC in `functions_ctc.py`, normalization/focal losses/dropout in `functions_nn.py`,
variable updates and random variables in `functions_state.py`, tensor helpers (resizing, padding, ranges)
in `functions_tensor.py`, scopes and `K.placeholder` in `functions_scopes.py`, `K.function` in `graph_function.py`.
"""
from tkeras.backend.config import (
    device, dtype_name, epsilon, floatx, image_data_format, set_device, set_epsilon, set_floatx,
    set_image_data_format,
)
from tkeras.backend.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from tkeras.backend.variable import Variable
from tkeras.backend.naming import clear_session, get_uid, unique_name
from tkeras.backend.functions import *  # noqa: F401,F403 - Keras 2's K.* namespace
from tkeras.backend import functions as _functions
from tkeras.backend.functions_conv import (
    bias_add, conv1d, conv2d, conv2d_transpose, conv3d, depthwise_conv2d, local_conv1d, local_conv2d, pool2d, pool3d,
    separable_conv2d,
)
from tkeras.backend.functions_ctc import ctc_batch_cost, ctc_decode, ctc_label_dense_to_sparse
from tkeras.backend.functions_nn import (
    batch_normalization, binary_focal_crossentropy, categorical_focal_crossentropy, dropout,
    normalize_batch_in_training,
)
from tkeras.backend.functions_rnn import foldl, foldr, map_fn, rnn
from tkeras.backend.graph_function import function
from tkeras.backend.functions_scopes import learning_phase_scope, name_scope, placeholder, reset_uids
from tkeras.backend.functions_state import (
    moving_average_update, random_bernoulli, random_normal_variable, random_uniform_variable, truncated_normal,
    update, update_add, update_sub,
)
from tkeras.backend.functions_tensor import (
    arange, cast_to_floatx, cos, cumprod, cumsum, eye, gather, in_top_k, is_sparse, print_tensor, repeat,
    resize_images, resize_volumes, reverse, sin, spatial_2d_padding, spatial_3d_padding, stop_gradient,
    temporal_padding, to_dense,
)
from tkeras.backend import experimental


def backend():
    return "torch"
