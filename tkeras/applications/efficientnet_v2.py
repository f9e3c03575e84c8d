"""EfficientNetV2 B0-B3, S, M, L (Tan & Le, 2021): fused MBConv blocks early, MBConv with SE later.

Preprocessing is inside the model: the B variants rescale to [0, 1] and normalize by ImageNet's
mean/std, S/M/L rescale to [-1, 1]; so `efficientnet_v2.preprocess_input` is the identity.
"""
import copy
import math

from tkeras import initializers, layers
from tkeras.applications import imagenet_utils
from tkeras.applications._model_io import build_model, check_arguments, image_input
from tkeras.applications.efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, squeeze_excite
from tkeras.applications.weights import load_application_weights
from tkeras.backend import get_uid
from tkeras.backend.config import image_data_format

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
# weights name -> (md5 with the classifier, md5 without it)
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_BLOCK_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio", "strides",
               "conv_type")  # conv_type 1: fused MBConv, 0: MBConv
_B_BLOCKS = (
    (3, 1, 32, 16, 1, 0, 1, 1),
    (3, 2, 16, 32, 4, 0, 2, 1),
    (3, 2, 32, 48, 4, 0, 2, 1),
    (3, 3, 48, 96, 4, 0.25, 2, 0),
    (3, 5, 96, 112, 6, 0.25, 1, 0),
    (3, 8, 112, 192, 6, 0.25, 2, 0),
)
_ROWS = {
    "efficientnetv2-s": (
        (3, 2, 24, 24, 1, 0.0, 1, 1),
        (3, 4, 24, 48, 4, 0.0, 2, 1),
        (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0),
        (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0),
    ),
    "efficientnetv2-m": (
        (3, 3, 24, 24, 1, 0, 1, 1),
        (3, 5, 24, 48, 4, 0, 2, 1),
        (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0),
        (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0),
        (3, 5, 304, 512, 6, 0.25, 1, 0),
    ),
    "efficientnetv2-l": (
        (3, 4, 32, 32, 1, 0, 1, 1),
        (3, 7, 32, 64, 4, 0, 2, 1),
        (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0),
        (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0),
        (3, 7, 384, 640, 6, 0.25, 1, 0),
    ),
    **{f"efficientnetv2-b{i}": _B_BLOCKS for i in range(4)},
}
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_BLOCK_KEYS, row)) for row in rows] for name, rows in _ROWS.items()}


def _bn_axis():
    return 3 if image_data_format() == "channels_last" else 1


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """Scaled filter count, rounded to a multiple of `depth_divisor` (at least `min_depth`)."""
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(max(minimum_depth, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def _conv_bn_act(x, filters, kernel_size, strides, bn_momentum, activation, name, act_name):
    axis = _bn_axis()
    x = layers.Conv2D(filters, kernel_size=kernel_size, strides=strides, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      padding="same", data_format=image_data_format(), use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}_bn")(x)
    return layers.Activation(activation, name=act_name)(x) if act_name else x


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    """The identity shortcut (with whole-sample dropout while training) where shapes allow."""
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """Inverted residual: 1x1 expansion, depthwise conv, squeeze-excite, 1x1 projection."""
    name = name or get_uid("block0")

    def apply(inputs):
        axis = _bn_axis()
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv_bn_act(x, filters, 1, 1, bn_momentum, activation, f"{name}expand", f"{name}expand_activation")
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                                   depthwise_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                                   data_format=image_data_format(), use_bias=False, name=f"{name}dwconv2")(x)
        x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
        x = _conv_bn_act(x, output_filters, 1, 1, bn_momentum, activation, f"{name}project", None)
        return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)

    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                     bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """MBConv with the expansion and depthwise convolutions fused into one regular 3x3 convolution."""
    name = name or get_uid("block0")

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv_bn_act(x, filters, kernel_size, strides, bn_momentum, activation, f"{name}expand",
                             f"{name}expand_activation")
        if 0 < se_ratio <= 1:
            x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
        # without expansion, the projection is the block's only (spatial) convolution
        expanded = expand_ratio != 1
        x = _conv_bn_act(x, output_filters, 1 if expanded else kernel_size, 1 if expanded else strides, bn_momentum,
                         activation, f"{name}project", None if expanded else f"{name}project_activation")
        return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)

    return apply


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None):
    """An EfficientNetV2 scaled by `width_coefficient` and `depth_coefficient` from `blocks_args`."""
    if blocks_args == "default":
        # Keras looks the table up by `name`; the variant (`weights_name`) also finds it for a renamed model
        key = name if name in DEFAULT_BLOCKS_ARGS else f"efficientnetv2-{weights_name.lstrip('-')}"
        blocks_args = DEFAULT_BLOCKS_ARGS[key]
    check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    axis = _bn_axis()

    def filters_of(count):
        return round_filters(count, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if include_preprocessing:
        if name.split("-")[-1].startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    x = layers.Conv2D(filters=filters_of(blocks_args[0]["input_filters"]), kernel_size=3, strides=2,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(blocks_args)
    total = float(sum(args["num_repeat"] for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"The number of repeats in `EfficientNetV2` must be > 0. Received: "
                             f"num_repeat={args['num_repeat']}")
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = FusedMBConvBlock if args.pop("conv_type") == 1 else MBConvBlock
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:  # only a stage's first block changes resolution and width
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            b += 1

    x = layers.Conv2D(filters=filters_of(1280), kernel_size=1, strides=1, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      padding="same", data_format=image_data_format(), use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name="top_bn")(x)
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = build_model(input_tensor, img_input, x, name)
    if weights is None:
        return model
    fname = name + (".h5" if include_top else "_notop.h5")
    hashes = WEIGHTS_HASHES.get(weights_name, (None, None))
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHTS_PATH + fname,
                                    file_hash=hashes[0] if include_top else hashes[1])


# variant -> (width, depth, default size)
_SCALES = {"b0": (1.0, 1.0, 224), "b1": (1.0, 1.1, 240), "b2": (1.1, 1.2, 260), "b3": (1.2, 1.4, 300),
           "-s": (1.0, 1.0, 384), "-m": (1.0, 1.0, 480), "-l": (1.0, 1.0, 480)}


def _variant(variant, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
             include_preprocessing, name):
    width, depth, size = _SCALES[variant]
    return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                          include_top=include_top, weights=weights, input_tensor=input_tensor,
                          input_shape=input_shape, pooling=pooling, classes=classes,
                          classifier_activation=classifier_activation, include_preprocessing=include_preprocessing,
                          weights_name=variant)


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b0"):
    """EfficientNetV2-B0 (224x224); takes [0, 255] pixels."""
    return _variant("b0", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b1"):
    """EfficientNetV2-B1 (240x240); takes [0, 255] pixels."""
    return _variant("b1", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b2"):
    """EfficientNetV2-B2 (260x260); takes [0, 255] pixels."""
    return _variant("b2", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                     classes=1000, classifier_activation="softmax", include_preprocessing=True,
                     name="efficientnetv2-b3"):
    """EfficientNetV2-B3 (300x300); takes [0, 255] pixels."""
    return _variant("b3", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-s"):
    """EfficientNetV2-S (384x384); takes [0, 255] pixels."""
    return _variant("-s", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-m"):
    """EfficientNetV2-M (480x480); takes [0, 255] pixels."""
    return _variant("-m", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name="efficientnetv2-l"):
    """EfficientNetV2-L (480x480); takes [0, 255] pixels."""
    return _variant("-l", include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation,
                    include_preprocessing, name)


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 rescales (and normalizes) inside the model. Kept for API compatibility."""
    return x


def decode_predictions(preds, top=5):
    """ImageNet class predictions -> [(class id, class name, score)] per sample, best `top` first."""
    return imagenet_utils.decode_predictions(preds, top=top)
