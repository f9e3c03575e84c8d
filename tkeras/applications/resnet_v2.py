"""ResNetV2 (He et al., ECCV 2016): pre-activation residual blocks, Keras' names and published weights."""
from tkeras.applications import imagenet_utils
from tkeras.applications.resnet import build_resnet


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2 as a functional model (224x224 RGB by default; inputs through `resnet_v2.preprocess_input`).

    `weights`: None, "imagenet" (Keras' published file from the model cache folders) or a path.
    """
    return build_resnet(50, True, "resnet50v2", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2; see `ResNet50V2` for the arguments."""
    return build_resnet(101, True, "resnet101v2", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2; see `ResNet50V2` for the arguments."""
    return build_resnet(152, True, "resnet152v2", include_top, weights, input_tensor, input_shape, pooling,
                        classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB in [0, 255] -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
