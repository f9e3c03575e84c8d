"""ResNet-RS 50-420 (Bello et al., 2021), tf-keras 2's family (not in Keras 3): ResNets re-tuned with
squeeze-excitation, a ResNet-D stem and average-pooled projection shortcuts.

Rescaling and ImageNet normalization are layers inside the model, so `resnet_rs.preprocess_input`
is the identity. ImageNet weights exist per training resolution: `weights="imagenet"` takes the
largest, `"imagenet-i<size>"` (e.g. "imagenet-i160") picks one. Layer names follow tf-keras, quirks
included (`BlockGroup2__block_0_batch_norm_1`), so its published `.h5` files load by name.
"""
from tkeras import layers
from tkeras.applications import imagenet_utils
from tkeras.applications._model_io import build_model, classifier_or_pooling, image_input
from tkeras.applications.weights import check_weights_argument, load_application_weights
from tkeras.backend import get_uid
from tkeras.backend.config import image_data_format

BASE_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet_rs/"
# published file -> md5
WEIGHT_HASHES = {
    "resnet-rs-101-i160.h5": "544b3434d00efc199d66e9058c7f3379",
    "resnet-rs-101-i160_notop.h5": "82d5b90c5ce9d710da639d6216d0f979",
    "resnet-rs-101-i192.h5": "eb285be29ab42cf4835ff20a5e3b5d23",
    "resnet-rs-101-i192_notop.h5": "f9a0f6b85faa9c3db2b6e233c4eebb5b",
    "resnet-rs-152-i192.h5": "8d72a301ed8a6f11a47c4ced4396e338",
    "resnet-rs-152-i192_notop.h5": "5fbf7ac2155cb4d5a6180ee9e3aa8704",
    "resnet-rs-152-i224.h5": "31a46a92ab21b84193d0d71dd8c3d03b",
    "resnet-rs-152-i224_notop.h5": "dc8b2cba2005552eafa3167f00dc2133",
    "resnet-rs-152-i256.h5": "ba6271b99bdeb4e7a9b15c05964ef4ad",
    "resnet-rs-152-i256_notop.h5": "fa79794252dbe47c89130f65349d654a",
    "resnet-rs-200-i256.h5": "a76930b741884e09ce90fa7450747d5f",
    "resnet-rs-200-i256_notop.h5": "bbdb3994718dfc0d1cd45d7eff3f3d9c",
    "resnet-rs-270-i256.h5": "20d575825ba26176b03cb51012a367a8",
    "resnet-rs-270-i256_notop.h5": "2c42ecb22e35f3e23d2f70babce0a2aa",
    "resnet-rs-350-i256.h5": "f4a039dc3c421321b7fc240494574a68",
    "resnet-rs-350-i256_notop.h5": "6e44b55025bbdff8f51692a023143d66",
    "resnet-rs-350-i320.h5": "7ccb858cc738305e8ceb3c0140bee393",
    "resnet-rs-350-i320_notop.h5": "ab0c1f9079d2f85a9facbd2c88aa6079",
    "resnet-rs-420-i320.h5": "ae0eb9bed39e64fc8d7e0db4018dc7e8",
    "resnet-rs-420-i320_notop.h5": "fe6217c32be8305b1889657172b98884",
    "resnet-rs-50-i160.h5": "69d9d925319f00a8bdd4af23c04e4102",
    "resnet-rs-50-i160_notop.h5": "90daa68cd26c95aa6c5d25451e095529",
}
# depth -> input sizes ImageNet weights were published for (the largest is the default)
DEPTH_TO_WEIGHT_VARIANTS = {50: [160], 101: [160, 192], 152: [192, 224, 256], 200: [256], 270: [256],
                            350: [256, 320], 420: [320]}
# depth -> bottleneck blocks in each of the four block groups (64, 128, 256, 512 filters)
BLOCK_REPEATS = {
    50: [3, 4, 6, 3],
    101: [3, 4, 23, 3],
    152: [3, 8, 36, 3],
    200: [3, 24, 36, 3],
    270: [4, 29, 53, 4],
    350: [4, 36, 72, 4],
    420: [4, 44, 87, 4],
}
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}


def _bn_axis():
    return 3 if image_data_format() == "channels_last" else 1


def fixed_padding(inputs, kernel_size):
    """Pads (k - 1) in total, the extra pixel at the end: a strided 'valid' conv then sees TF's 'same'."""
    total = kernel_size - 1
    begin = total // 2
    return layers.ZeroPadding2D(padding=((begin, total - begin), (begin, total - begin)))(inputs)


def Conv2DFixedPadding(filters, kernel_size, strides, name=None):
    """A bias-free convolution whose strided form pads explicitly (`fixed_padding`)."""
    name = name or f"conv_{get_uid('conv_')}"

    def apply(inputs):
        if strides > 1:
            inputs = fixed_padding(inputs, kernel_size)
        return layers.Conv2D(filters=filters, kernel_size=kernel_size, strides=strides,
                             padding="same" if strides == 1 else "valid", use_bias=False,
                             kernel_initializer=CONV_KERNEL_INITIALIZER, name=name)(inputs)

    return apply


def _bn(momentum, epsilon, name):
    return layers.BatchNormalization(axis=_bn_axis(), momentum=momentum, epsilon=epsilon, name=name)


def STEM(bn_momentum=0.0, bn_epsilon=1e-5, activation="relu", name=None):
    """The ResNet-D stem: four 3x3 convolutions (the first and last strided) instead of one 7x7."""
    name = name or f"stem_{get_uid('stem_')}"

    def apply(x):
        for index, (filters, strides) in enumerate(((32, 2), (32, 1), (64, 1), (64, 2)), start=1):
            x = Conv2DFixedPadding(filters=filters, kernel_size=3, strides=strides, name=f"{name}_stem_conv_{index}")(x)
            x = _bn(bn_momentum, bn_epsilon, f"{name}_stem_batch_norm_{index}")(x)
            x = layers.Activation(activation, name=f"{name}_stem_act_{index}")(x)
        return x

    return apply


def SE(in_filters, se_ratio=0.25, expand_ratio=1, name=None):
    """Squeeze-and-excitation on a bottleneck's 4x-wide output."""
    name = name or f"se_{get_uid('se_')}"

    def apply(inputs):
        x = layers.GlobalAveragePooling2D(name=f"{name}_se_squeeze")(inputs)
        se_shape = (x.shape[-1], 1, 1) if _bn_axis() == 1 else (1, 1, x.shape[-1])
        x = layers.Reshape(se_shape, name=f"{name}_se_reshape")(x)
        x = layers.Conv2D(filters=max(1, int(in_filters * 4 * se_ratio)), kernel_size=[1, 1], strides=[1, 1],
                          kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=True,
                          activation="relu", name=f"{name}_se_reduce")(x)
        x = layers.Conv2D(filters=4 * in_filters * expand_ratio, kernel_size=[1, 1], strides=[1, 1],
                          kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=True,
                          activation="sigmoid", name=f"{name}_se_expand")(x)
        return layers.multiply([inputs, x], name=f"{name}_se_excite")

    return apply


def BottleneckBlock(filters, strides, use_projection, bn_momentum=0.0, bn_epsilon=1e-5, activation="relu",
                    se_ratio=0.25, survival_probability=0.8, name=None):
    """1x1 -> 3x3 (strided) -> 1x1 (4x filters) -> SE, plus the shortcut (average-pooled when strided)."""
    name = name or f"block_0_{get_uid('block_0_')}"

    def apply(inputs):
        shortcut = inputs
        if use_projection:
            if strides == 2:
                shortcut = layers.AveragePooling2D(pool_size=(2, 2), strides=(2, 2), padding="same",
                                                   name=f"{name}_projection_pooling")(inputs)
                shortcut = Conv2DFixedPadding(filters * 4, 1, 1, name=f"{name}_projection_conv")(shortcut)
            else:
                shortcut = Conv2DFixedPadding(filters * 4, 1, strides, name=f"{name}_projection_conv")(inputs)
            shortcut = _bn(bn_momentum, bn_epsilon, f"{name}_projection_batch_norm")(shortcut)
        x = Conv2DFixedPadding(filters, 1, 1, name=f"{name}_conv_1")(inputs)
        x = _bn(bn_momentum, bn_epsilon, f"{name}batch_norm_1")(x)  # sic: tf-keras' name has no underscore
        x = layers.Activation(activation, name=f"{name}_act_1")(x)
        x = Conv2DFixedPadding(filters, 3, strides, name=f"{name}_conv_2")(x)
        x = _bn(bn_momentum, bn_epsilon, f"{name}_batch_norm_2")(x)
        x = layers.Activation(activation, name=f"{name}_act_2")(x)
        x = Conv2DFixedPadding(filters * 4, 1, 1, name=f"{name}_conv_3")(x)
        x = _bn(bn_momentum, bn_epsilon, f"{name}_batch_norm_3")(x)
        if 0 < se_ratio < 1:
            x = SE(filters, se_ratio=se_ratio, name=f"{name}_se")(x)
        if survival_probability:
            # whole-sample drop of the residual branch while training (stochastic depth)
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}_drop")(x)
        x = layers.Add()([x, shortcut])
        return layers.Activation(activation, name=f"{name}_output_act")(x)

    return apply


def BlockGroup(filters, strides, num_repeats, se_ratio=0.25, bn_epsilon=1e-5, bn_momentum=0.0, activation="relu",
               survival_probability=0.8, name=None):
    """`num_repeats` bottlenecks; the first projects the shortcut (and strides)."""
    name = name or f"block_group_{get_uid('block_group_')}"

    def apply(x):
        for i in range(num_repeats):
            x = BottleneckBlock(filters=filters, strides=strides if i == 0 else 1, use_projection=i == 0,
                                se_ratio=se_ratio, bn_epsilon=bn_epsilon, bn_momentum=bn_momentum,
                                activation=activation, survival_probability=survival_probability,
                                name=f"{name}_block_{i}_")(x)
        return x

    return apply


def _weights_variant(depth, weights):
    """'imagenet' -> 'imagenet-i<largest size>'; checks a variant or path the way tf-keras does."""
    sizes = DEPTH_TO_WEIGHT_VARIANTS[depth]
    if isinstance(weights, str) and weights == "imagenet":
        weights = f"imagenet-i{max(sizes)}"
    allowed = [f"imagenet-i{size}" for size in sizes]
    if isinstance(weights, str) and weights.startswith("imagenet") and weights not in allowed:
        raise ValueError("The `weights` argument should be either `None` (random initialization), 'imagenet' "
                         "(pre-training on ImageNet, with the highest available input shape), or the path to "
                         f"the weights file to be loaded. For ResNetRS{depth} the following weight variants are "
                         f"available {allowed} (default=highest). Received weights={weights}")
    if weights not in allowed:
        check_weights_argument(weights)
    return weights, allowed


def ResNetRS(depth, input_shape=None, bn_momentum=0.0, bn_epsilon=1e-5, activation="relu", se_ratio=0.25,
             dropout_rate=0.25, drop_connect_rate=0.2, include_top=True, block_args=None, model_name="resnet-rs",
             pooling=None, weights="imagenet", input_tensor=None, classes=1000, classifier_activation="softmax",
             include_preprocessing=True):
    """A ResNet-RS of `depth` layers (50, 101, 152, 200, 270, 350 or 420)."""
    weights, allowed = _weights_variant(depth, weights)
    if weights in allowed and include_top and classes != 1000:
        raise ValueError(f"If using `weights` as 'imagenet' or any of {allowed} with `include_top` as true, "
                         f"`classes` should be 1000. Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    axis = _bn_axis()
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        if input_shape[axis - 1] == 3:
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=axis)(x)
    x = STEM(bn_momentum=bn_momentum, bn_epsilon=bn_epsilon, activation=activation)(x)
    if block_args is None:
        block_args = [{"input_filters": filters, "num_repeats": repeats}
                      for filters, repeats in zip((64, 128, 256, 512), BLOCK_REPEATS[depth])]
    for i, args in enumerate(block_args):
        survival_probability = drop_connect_rate * float(i + 2) / (len(block_args) + 1)
        x = BlockGroup(filters=args["input_filters"], activation=activation, strides=1 if i == 0 else 2,
                       num_repeats=args["num_repeats"], se_ratio=se_ratio, bn_momentum=bn_momentum,
                       bn_epsilon=bn_epsilon, survival_probability=survival_probability,
                       name=f"BlockGroup{i + 2}_")(x)
    x = classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                              top_pool_name="avg_pool", avg_name="avg_pool", max_name="max_pool",
                              dropout_rate=dropout_rate)
    model = build_model(input_tensor, img_input, x, model_name)
    if weights is None:
        return model
    if weights in allowed:
        fname = f"{model_name}-{weights.split('-')[-1]}{'' if include_top else '_notop'}.h5"
        return load_application_weights(model, "imagenet", fname=fname, origin=BASE_WEIGHTS_URL + fname,
                                        file_hash=WEIGHT_HASHES.get(fname))
    return load_application_weights(model, weights, fname="", origin="", file_hash=None)


def _constructor(depth, drop_connect_rate, dropout_rate):
    """The public constructor for one depth, with tf-keras' signature."""

    def constructor(include_top=True, weights="imagenet", classes=1000, input_shape=None, input_tensor=None,
                    pooling=None, classifier_activation="softmax", include_preprocessing=True):
        return ResNetRS(depth=depth, include_top=include_top, drop_connect_rate=drop_connect_rate,
                        dropout_rate=dropout_rate, weights=weights, classes=classes, input_shape=input_shape,
                        input_tensor=input_tensor, pooling=pooling, classifier_activation=classifier_activation,
                        model_name=f"resnet-rs-{depth}", include_preprocessing=include_preprocessing)

    constructor.__name__ = constructor.__qualname__ = f"ResNetRS{depth}"
    constructor.__doc__ = (f"ResNet-RS-{depth}; takes [0, 255] pixels. ImageNet weights: "
                           f"{', '.join(f'imagenet-i{s}' for s in DEPTH_TO_WEIGHT_VARIANTS[depth])}.")
    return constructor


ResNetRS50 = _constructor(50, 0.0, 0.25)
ResNetRS101 = _constructor(101, 0.0, 0.25)
ResNetRS152 = _constructor(152, 0.0, 0.25)
ResNetRS200 = _constructor(200, 0.1, 0.25)
ResNetRS270 = _constructor(270, 0.1, 0.25)
ResNetRS350 = _constructor(350, 0.1, 0.4)
ResNetRS420 = _constructor(420, 0.1, 0.4)


def preprocess_input(x, data_format=None):
    """The identity: ResNet-RS rescales and normalizes inside the model. Kept for API compatibility."""
    return x


def decode_predictions(preds, top=5):
    """ImageNet class predictions -> [(class id, class name, score)] per sample, best `top` first."""
    return imagenet_utils.decode_predictions(preds, top=top)
