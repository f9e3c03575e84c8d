"""DenseNet121/169/201 (Huang et al., 2017): every layer of a dense block sees all earlier feature maps.

Layer names follow Keras' (`conv2_block1_0_bn`, `pool2_conv`, ...), so Keras' published `.h5` files
load by name. Inputs are preprocessed with the 'torch' mode (scale to [0, 1], ImageNet mean/std).
"""
from tkeras import layers
from tkeras.applications import imagenet_utils
from tkeras.applications._model_io import build_model, check_arguments, classifier_or_pooling, image_input
from tkeras.applications.weights import load_application_weights
from tkeras.backend.config import image_data_format

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks per dense stage -> (file stem, hash with the classifier, hash without it)
_PUBLISHED = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_EPSILON = 1.001e-5  # the value the published weights were trained with


def _bn_axis():
    return 3 if image_data_format() == "channels_last" else 1


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 (4k filters) then BN-ReLU-3x3 (k filters), concatenated onto the block's input."""
    axis = _bn_axis()
    y = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=axis, name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """Halves the channels (`reduction`) and the resolution between dense blocks."""
    axis = _bn_axis()
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[axis] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with `blocks` conv blocks in each of its four dense blocks."""
    if image_data_format() == "channels_first":
        raise ValueError("DenseNet does not support the `channels_first` image data format. Switch to "
                         "`channels_last` (keras.config.set_image_data_format('channels_last')).")
    check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = image_input(input_tensor, input_shape)
    axis = _bn_axis()

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{stage + 2}")
        if stage < len(blocks) - 1:
            x = transition_block(x, 0.5, name=f"pool{stage + 2}")
    x = layers.BatchNormalization(axis=axis, epsilon=_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)

    x = classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights,
                              top_pool_name="avg_pool", avg_name="avg_pool", max_name="max_pool")
    model = build_model(input_tensor, img_input, x, name)

    if weights is None:
        return model
    published = _PUBLISHED.get(tuple(blocks))
    if weights == "imagenet" and published is None:
        raise ValueError(f"No ImageNet weights were published for DenseNet blocks={list(blocks)}; "
                         f"published: {[list(b) for b in _PUBLISHED]}")
    stem, top_hash, notop_hash = published or ("", "", "")
    fname = f"{stem}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHTS_PATH + fname,
                                    file_hash=top_hash if include_top else notop_hash)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet-121 (dense blocks of 6, 12, 24, 16 layers); expects `densenet.preprocess_input`."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet-169 (dense blocks of 6, 12, 32, 32 layers); expects `densenet.preprocess_input`."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet-201 (dense blocks of 6, 12, 48, 32 layers); expects `densenet.preprocess_input`."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> scaled to [0, 1], then normalized by ImageNet's per-channel mean and std."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """ImageNet class predictions -> [(class id, class name, score)] per sample, best `top` first."""
    return imagenet_utils.decode_predictions(preds, top=top)
