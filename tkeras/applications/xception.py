"""Xception (Chollet, 2017): depthwise separable convolutions with residual connections, 299x299 inputs.

The strided 1x1 shortcut convolutions and their BatchNormalizations carry no explicit name in Keras,
so they take automatic names (`conv2d`, `batch_normalization_1`, ...) in creation order, which the
code below keeps. Inputs are preprocessed with the 'tf' mode (scaled to [-1, 1]).
"""
from tkeras import layers
from tkeras.applications import imagenet_utils
from tkeras.applications._model_io import build_model, check_arguments, classifier_or_pooling, image_input
from tkeras.applications._weights_in_order import load_weights_in_order
from tkeras.backend.config import image_data_format

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
                "xception_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
                       "xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _channel_axis():
    return 1 if image_data_format() == "channels_first" else -1


def _sepconv_bn(x, filters, name, activation_name=None):
    """[ReLU ->] SeparableConv2D 3x3 (no bias) -> BatchNormalization, named `<name>` and `<name>_bn`."""
    if activation_name is not None:
        x = layers.Activation("relu", name=activation_name)(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_channel_axis(), name=f"{name}_bn")(x)


def _shortcut(x, filters):
    """Strided 1x1 projection of the block input (automatic names, as in Keras)."""
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=_channel_axis())(residual)


def _reduction_block(x, block, filters, first_activation=True):
    """Two separable convolutions and a strided max pool, plus the projected shortcut."""
    first, second = filters
    residual = _shortcut(x, second)
    x = _sepconv_bn(x, first, f"block{block}_sepconv1",
                    f"block{block}_sepconv1_act" if first_activation else None)
    x = _sepconv_bn(x, second, f"block{block}_sepconv2", f"block{block}_sepconv2_act")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception; expects `xception.preprocess_input` (pixels scaled to [-1, 1])."""
    check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=71,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    axis = _channel_axis()

    # entry flow
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    # Keras names block 2's only activation `block2_sepconv2_act` (the input is already ReLU'd).
    x = _reduction_block(x, 2, (128, 128), first_activation=False)
    x = _reduction_block(x, 3, (256, 256))
    x = _reduction_block(x, 4, (728, 728))

    # middle flow: eight identity-shortcut blocks of three separable convolutions
    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for j in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"{prefix}_sepconv{j}", f"{prefix}_sepconv{j}_act")
        x = layers.add([x, residual])

    # exit flow
    x = _reduction_block(x, 13, (728, 1024))
    x = layers.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False, name="block14_sepconv1")(x)
    x = layers.BatchNormalization(axis=axis, name="block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)

    x = classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                              top_pool_name="avg_pool")
    model = build_model(input_tensor, img_input, x, name)
    origin = WEIGHTS_PATH if include_top else WEIGHTS_PATH_NO_TOP
    return load_weights_in_order(model, weights, fname=origin.rsplit("/", 1)[-1], origin=origin,
                                 file_hash=_HASHES[0] if include_top else _HASHES[1])


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> [-1, 1] (the 'tf' mode), as the published weights were trained."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """ImageNet class predictions -> [(class id, class name, score)] per sample, best `top` first."""
    return imagenet_utils.decode_predictions(preds, top=top)
