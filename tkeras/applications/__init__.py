"""`keras.applications`: Keras' ImageNet architectures, with its layer names and published weights.

Each family module (`vgg16`, `resnet`, `mobilenet_v2`, ...) holds its constructors and its
`preprocess_input`/`decode_predictions`; `imagenet_utils` what they share; `weights` where the
published weight files are looked up (`$TKERAS_MODELS`, `~/.tkeras/models`, `~/.keras/models`) and
how they are loaded. Constructors are listed explicitly below, one line per family.
"""
from tkeras.applications import imagenet_utils, weights
from tkeras.applications import vgg16, vgg19
from tkeras.applications.vgg16 import VGG16
from tkeras.applications.vgg19 import VGG19
from tkeras.applications import densenet
from tkeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
