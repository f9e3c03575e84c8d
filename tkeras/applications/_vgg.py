"""VGG: five blocks of 3x3 ReLU convolutions, each closed by a 2x2 max pooling, then three Dense layers.

VGG16 and VGG19 differ only in how many convolutions the last three blocks hold (3 or 4).
"""
from tkeras.applications import _model_io, imagenet_utils
from tkeras.applications.weights import load_application_weights

WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(convs_per_block, files, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name):
    """`files`: {include_top: (file name, md5)} of the published weights under WEIGHTS_ROOT/<name>/."""
    from tkeras import layers
    from tkeras.backend.config import image_data_format

    _model_io.check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = _model_io.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{conv}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _model_io.global_pooling(x, pooling)

    model = _model_io.build_model(input_tensor, img_input, x, name)
    fname, file_hash = files[bool(include_top)]
    return load_application_weights(model, weights, fname=fname, origin=f"{WEIGHTS_ROOT}{name}/{fname}",
                                    file_hash=file_hash)
