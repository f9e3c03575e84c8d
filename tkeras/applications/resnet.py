"""ResNet (He et al., CVPR 2015): bottleneck residual blocks, Keras' layer names and published weights.

`build_resnet` also builds ResNetV2 (pre-activation: batch norm and ReLU before each convolution,
`resnet_v2.py`). Layer names follow Keras exactly (`conv{stage}_block{n}_{k}_{conv,bn,relu}`), since
the published `.h5` files are matched to the layers by these names.
"""
from tkeras.applications import _model_io, imagenet_utils
from tkeras.applications.weights import load_application_weights

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# weights name -> (md5 with the classifier, md5 without it)
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
_EPSILON = 1.001e-5
# Blocks per stage (conv2 .. conv5) of each depth.
STAGE_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def _bn_axis():
    from tkeras.backend.config import image_data_format
    return 3 if image_data_format() == "channels_last" else 1


def _batch_norm(name):
    from tkeras import layers
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=_EPSILON, name=name)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """Post-activation bottleneck: 1x1 (strided) -> kxk -> 1x1 (4x filters), added to the shortcut."""
    from tkeras import layers
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """A stage: its first block projects (and downsamples by `stride1`), the others are identity blocks."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{index}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck; V2 downsamples in the 3x3 convolution of a stage's last block."""
    from tkeras import layers
    preact = _batch_norm(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """A V2 stage: projection first, identity blocks, and the stride on the last block."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{index}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _stages(x, depth, preact):
    """conv2..conv5 with 64..512 bottleneck filters; V1 downsamples at a stage's start, V2 at its end."""
    for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), STAGE_BLOCKS[depth]), start=2):
        if preact:
            x = stack_residual_blocks_v2(x, filters, blocks, stride1=1 if stage == 5 else 2, name=f"conv{stage}")
        else:
            x = stack_residual_blocks_v1(x, filters, blocks, stride1=1 if stage == 2 else 2, name=f"conv{stage}")
    return x


def build_resnet(depth, preact, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
                 classifier_activation, name):
    """The stem (7x7/2 convolution, 3x3/2 max pooling), the four stages, then the head."""
    from tkeras import layers
    from tkeras.backend.config import image_data_format

    _model_io.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _model_io.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = _batch_norm("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = _stages(x, depth, preact)
    if preact:
        x = _batch_norm("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)

    x = _model_io.classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                                        top_pool_name="avg_pool", avg_name="avg_pool", max_name="max_pool")

    model = _model_io.build_model(input_tensor, img_input, x, name)
    suffix = "" if include_top else "_notop"
    fname = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHTS_PATH + fname,
                                    file_hash=WEIGHTS_HASHES[weights_name][0 if include_top else 1])


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50 as a functional model (224x224 RGB by default; inputs through `resnet.preprocess_input`).

    `weights`: None, "imagenet" (Keras' published file from the model cache folders, see
    `tkeras.applications.weights`) or a path. With `include_top=False` any input from 32x32 works.
    """
    return build_resnet(50, False, "resnet50", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101; see `ResNet50` for the arguments."""
    return build_resnet(101, False, "resnet101", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152; see `ResNet50` for the arguments."""
    return build_resnet(152, False, "resnet152", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB in [0, 255] -> BGR with the ImageNet mean subtracted ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
