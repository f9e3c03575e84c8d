"""MobileNetV2 (Sandler et al., CVPR 2018): inverted residual blocks with linear bottlenecks.

Keras' layer names (`block_{n}_expand`, `expanded_conv_*` for the first block) and published weights.
"""
import warnings

from tkeras.applications import _model_io, imagenet_utils
from tkeras.applications.weights import load_application_weights

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_IMAGENET_SIZES = (96, 128, 160, 192, 224)
_IMAGENET_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (output filters, stride, expansion) of the 17 inverted residual blocks.
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6))


def make_divisible(value, divisor=8, min_value=None):
    """Round a channel count to a multiple of `divisor` (hardware-friendly), never below 90% of it."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _channel_axis():
    from tkeras.backend.config import image_data_format
    return 1 if image_data_format() == "channels_first" else -1


def _rows_cols(shape):
    """(rows, cols) of a per-sample image shape."""
    from tkeras.backend.config import image_data_format
    return tuple(shape[1:3]) if image_data_format() == "channels_first" else tuple(shape[0:2])


def _batch_norm(name):
    from tkeras import layers
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """1x1 expansion (not in block 0) -> 3x3 depthwise -> linear 1x1 projection, plus the identity when shapes allow."""
    from tkeras import layers
    in_channels = inputs.shape[_channel_axis()]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor):
    """The square ImageNet size the input already has (so its weights are chosen), else 224."""
    from tkeras.backend.keras_tensor import is_keras_tensor
    if input_shape is not None:
        if input_tensor is not None:
            if not is_keras_tensor(input_tensor):
                raise ValueError(f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`")
            if _rows_cols(tuple(input_tensor.shape)[1:])[1] != _rows_cols(input_shape)[1]:
                raise ValueError("input_tensor.shape[2] must equal input_shape[1]; Received "
                                 f"`input_tensor.shape={tuple(input_tensor.shape)}`, `input_shape={input_shape}`")
        rows, cols = _rows_cols(input_shape)
    elif input_tensor is not None and is_keras_tensor(input_tensor):
        rows, cols = _rows_cols(tuple(input_tensor.shape)[1:])
    else:
        return 224
    return rows if rows == cols and rows in _IMAGENET_SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 as a functional model (inputs through `mobilenet_v2.preprocess_input`, i.e. [-1, 1]).

    `alpha` scales the filters (0.35, 0.5, 0.75, 1.0, 1.3, 1.4 have published weights, at 96 to 224
    pixels). The default name is Keras' `mobilenetv2_{alpha:.2f}_{rows}`.
    """
    from tkeras import layers
    from tkeras.backend.config import image_data_format

    _model_io.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=_default_size(input_shape, input_tensor),
                                                    min_size=32, data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if alpha not in _IMAGENET_ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, "
                             f"`1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
        if rows != cols or rows not in _IMAGENET_SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. "
                          "Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)

    img_input = _model_io.image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion,
                                block_id=block_id)
    last_block_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)

    x = _model_io.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights)

    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = _model_io.build_model(input_tensor, img_input, x, name)
    fname = None
    if weights == "imagenet":
        suffix = "_no_top" if not include_top else ""
        fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHT_PATH + (fname or ""),
                                    file_hash=None)


def preprocess_input(x, data_format=None):
    """RGB in [0, 255] -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
