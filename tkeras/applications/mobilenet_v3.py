"""MobileNetV3 Small and Large (Howard et al., ICCV 2019): inverted residuals with squeeze-and-excite and
hard-swish, found by architecture search. Keras' layer names and published weights.

The rescaling to [-1, 1] is part of the model (`include_preprocessing=True`), so this module's
`preprocess_input` returns its input unchanged, as Keras' does.
"""
import warnings

from tkeras.applications import _model_io, imagenet_utils
from tkeras.applications.mobilenet_v2 import make_divisible as _depth
from tkeras.applications.weights import load_application_weights

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# "{type}[_minimalistic]_224_{alpha}_float" -> (md5 with the classifier, md5 without it)
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}

# Blocks as (expansion, filters, kernel: 3 or None for the model's kernel, stride, squeeze-excite,
# activation: "relu" or None for the model's activation). Minimalistic models use 3x3 kernels, ReLU
# and no squeeze-excite wherever a block defers to the model.
_SMALL_BLOCKS = ((1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"), (88.0 / 24, 24, 3, 1, False, "relu"),
                 (4, 40, None, 2, True, None), (6, 40, None, 1, True, None), (6, 40, None, 1, True, None),
                 (3, 48, None, 1, True, None), (3, 48, None, 1, True, None), (6, 96, None, 2, True, None),
                 (6, 96, None, 1, True, None), (6, 96, None, 1, True, None))
_LARGE_BLOCKS = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
                 (3, 40, None, 2, True, "relu"), (3, 40, None, 1, True, "relu"), (3, 40, None, 1, True, "relu"),
                 (6, 80, 3, 2, False, None), (2.5, 80, 3, 1, False, None), (2.3, 80, 3, 1, False, None),
                 (2.3, 80, 3, 1, False, None), (6, 112, 3, 1, True, None), (6, 112, 3, 1, True, None),
                 (6, 160, None, 2, True, None), (6, 160, None, 1, True, None), (6, 160, None, 1, True, None))


def _channel_axis():
    from tkeras.backend.config import image_data_format
    return 1 if image_data_format() == "channels_first" else -1


def _batch_norm(name):
    from tkeras import layers
    return layers.BatchNormalization(axis=_channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def relu(x):
    from tkeras import layers
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, as operator nodes (Keras builds it the same way, so the graph matches)."""
    from tkeras import layers
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    from tkeras import layers
    return layers.Activation("hard_swish")(x)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excite: per-channel gates from the globally pooled features."""
    from tkeras import layers
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    from tkeras import layers
    shortcut = x
    prefix = "expanded_conv_"
    in_filters = x.shape[_channel_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(_depth(in_filters * expansion), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(in_filters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """Keras V3's own shape rule: no obtain_input_shape; any size from 32x32, None dims by default."""
    from tkeras.backend.config import image_data_format
    from tkeras.backend.keras_tensor import is_keras_tensor
    channels_first = image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        if not is_keras_tensor(input_tensor):
            raise ValueError(f"input_tensor specified: {input_tensor!r} is not a keras tensor")
        axis, shape_axis = (1, 1) if channels_first else (2, 1)
        if input_tensor.shape[axis] != input_shape[shape_axis]:
            raise ValueError(f"input_shape[{shape_axis}] must equal input_tensor.shape[{axis}].  Received "
                             f"input_shape={input_shape}, input_tensor.shape={tuple(input_tensor.shape)}")
    if input_shape is None and input_tensor is not None and is_keras_tensor(input_tensor):
        rows, cols = tuple(input_tensor.shape)[2:4] if channels_first else tuple(input_tensor.shape)[1:3]
        input_shape = (3, cols, rows) if channels_first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    rows, cols = tuple(input_shape)[1:3] if channels_first else tuple(input_shape)[0:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    return input_shape, rows, cols


def build_mobilenet_v3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                       include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                       dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    from tkeras import layers

    _model_io.check_arguments(weights, include_top, classes)
    input_shape, rows, cols = _input_shape(input_shape, input_tensor)
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             "minimalistic or `1.0` for minimalistic only.")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                          "(224, 224) will be loaded as the default.", stacklevel=3)

    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)
    img_input = _model_io.image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _batch_norm("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, block_kernel, stride, squeeze, block_activation) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, _depth(filters * alpha), block_kernel or kernel, stride,
                                se_ratio if squeeze else None,
                                relu if block_activation == "relu" else activation, block_id)
    last_conv_ch = _depth(x.shape[_channel_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _batch_norm("conv_1_bn")(x)
    x = activation(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _model_io.global_pooling(x, pooling, avg_name="avg_pool", max_name="max_pool")

    model = _model_io.build_model(input_tensor, img_input, x, name)
    fname = file_hash = None
    if weights == "imagenet":
        weights_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        fname = f"weights_mobilenet_v3_{weights_name}{'' if include_top else '_no_top_v2'}.h5"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHT_PATH + (fname or ""),
                                     file_hash=file_hash)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small as a functional model; takes RGB in [0, 255] (it rescales itself).

    `alpha` scales the filters (0.75 and 1.0 have published weights; 1.0 only when `minimalistic`,
    the variant without squeeze-excite, hard-swish and 5x5 kernels). Any input from 32x32 works.
    """
    return build_mobilenet_v3(_SMALL_BLOCKS, 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                              input_tensor, classes, pooling, dropout_rate, classifier_activation,
                              include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large; see `MobileNetV3Small` for the arguments."""
    return build_mobilenet_v3(_LARGE_BLOCKS, 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                              input_tensor, classes, pooling, dropout_rate, classifier_activation,
                              include_preprocessing, name=name)


def preprocess_input(x, data_format=None):
    """The identity: MobileNetV3 models rescale their inputs themselves (`include_preprocessing`)."""
    return x


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
