"""MobileNet (Howard et al., 2017): depthwise-separable convolutions, width `alpha`, Keras' names and weights.

Stride-2 depthwise convolutions pad (0, 1) explicitly and run "valid", as TensorFlow's "same" does for
even sizes; that is what the published weights were trained with.
"""
import warnings

from tkeras.applications import _model_io, imagenet_utils
from tkeras.applications.weights import load_application_weights

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_IMAGENET_SIZES = (128, 160, 192, 224)
_IMAGENET_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, stride) of the 13 depthwise-separable blocks.
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1))


def _channel_axis():
    from tkeras.backend.config import image_data_format
    return 1 if image_data_format() == "channels_first" else -1


def _spatial(input_shape):
    from tkeras.backend.config import image_data_format
    return tuple(input_shape[1:3]) if image_data_format() == "channels_first" else tuple(input_shape[0:2])


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    from tkeras import layers
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False, strides=strides,
                      name="conv1")(inputs)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1), block_id=1):
    from tkeras import layers
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides, use_bias=False,
                               name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _check_imagenet_arguments(alpha, depth_multiplier, rows, cols):
    """Published weights exist for depth multiplier 1, four widths and four square sizes; returns the size."""
    if depth_multiplier != 1:
        raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                         f"Received depth_multiplier={depth_multiplier}")
    if alpha not in _IMAGENET_ALPHAS:
        raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, `0.75` or "
                         f"`1.0` only.  Received alpha={alpha}")
    if rows != cols or rows not in _IMAGENET_SIZES:
        warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, 224]. "
                      "Weights for input shape (224, 224) will be loaded as the default.", stacklevel=3)
        return 224
    return rows


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNet as a functional model (inputs through `mobilenet.preprocess_input`, i.e. [-1, 1]).

    `alpha` scales every layer's filters (0.25, 0.5, 0.75, 1.0 have published weights, at 128, 160,
    192 or 224 pixels); `depth_multiplier` the depthwise convolutions' outputs per channel. The
    default name is Keras' `mobilenet_{alpha:.2f}_{rows}`.
    """
    from tkeras import layers
    from tkeras.backend.config import image_data_format

    _model_io.check_arguments(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = _spatial(input_shape)
        if rows == cols and rows in _IMAGENET_SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    rows, cols = _spatial(input_shape)
    if weights == "imagenet":
        rows = _check_imagenet_arguments(alpha, depth_multiplier, rows, cols)

    img_input = _model_io.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, strides=(stride, stride), block_id=block_id)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _model_io.global_pooling(x, pooling)

    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    model = _model_io.build_model(input_tensor, img_input, x, name)
    fname = None
    if weights == "imagenet":
        suffix = "" if include_top else "_no_top"
        fname = f"mobilenet_{_IMAGENET_ALPHAS[alpha]}_{rows}_tf{suffix}.h5"
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHT_PATH + (fname or ""),
                                    file_hash=None)


def preprocess_input(x, data_format=None):
    """RGB in [0, 255] -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
