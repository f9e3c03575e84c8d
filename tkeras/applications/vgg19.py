"""VGG19 (Simonyan & Zisserman, ICLR 2015), with Keras' layer names and published weights."""
from tkeras.applications import imagenet_utils
from tkeras.applications._vgg import build_vgg

WEIGHTS_FILES = {
    True: ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    False: ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
}


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19 as a functional model (224x224 RGB by default; inputs through `vgg19.preprocess_input`).

    `weights`: None, "imagenet" (Keras' published file, looked up in the model cache folders, see
    `tkeras.applications.weights`) or a path. Without the classifier (`include_top=False`), any
    input size from 32x32 works and `pooling` ("avg"/"max") flattens the features.
    """
    return build_vgg((2, 2, 4, 4, 4), WEIGHTS_FILES, include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """RGB in [0, 255] -> BGR with the ImageNet mean subtracted ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """Per sample, the `top` (wordnet id, class name, score) triples."""
    return imagenet_utils.decode_predictions(preds, top=top)
