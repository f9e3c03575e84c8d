"""The two ends every application model shares: its image input, and the classifier/pooling head.

Kept apart from the families so each architecture file reads as its layer sequence only.
"""
from tkeras.applications import imagenet_utils
from tkeras.applications.weights import check_weights_argument


def check_arguments(weights, include_top, classes):
    """Keras' opening checks of every constructor (weights value, 1000 ImageNet classes)."""
    check_weights_argument(weights)
    imagenet_utils.check_classes(weights, include_top, classes)


def image_input(input_tensor, input_shape):
    """The symbolic image the network starts from: a new `Input(input_shape)`, or the caller's tensor."""
    from tkeras.backend.keras_tensor import is_keras_tensor
    from tkeras.layers import Input
    if input_tensor is None:
        return Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        raise ValueError("`input_tensor` must be a symbolic Keras tensor (e.g. the output of "
                         f"`keras.Input(shape=...)`); received {type(input_tensor).__name__}. To run the "
                         "model on data, build it first and call it on the data.")
    return input_tensor


def model_inputs(input_tensor, img_input):
    """The model's inputs: the `Input`s the caller's `input_tensor` comes from, or our own `Input`."""
    if input_tensor is None:
        return img_input
    from tkeras.utils.source_inputs import get_source_inputs
    return get_source_inputs(input_tensor)


def global_pooling(x, pooling, avg_name=None, max_name=None):
    """The optional feature-extraction pooling when there is no classifier ('avg', 'max' or None)."""
    from tkeras import layers
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def classifier_or_pooling(x, include_top, pooling, classes, classifier_activation, weights, top_pool_name=None,
                          avg_name=None, max_name=None, dropout_rate=0.0):
    """The end of most families: with `include_top`, global average pooling (named `top_pool_name`),
    an optional dropout and the `predictions` Dense; without, the optional feature pooling (named
    `avg_name`/`max_name`), as each family names them in Keras."""
    from tkeras import layers
    from tkeras.applications import imagenet_utils
    if not include_top:
        return global_pooling(x, pooling, avg_name=avg_name, max_name=max_name)
    x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def build_model(input_tensor, img_input, outputs, name):
    from tkeras.models.functional import Functional
    return Functional(model_inputs(input_tensor, img_input), outputs, name=name)
