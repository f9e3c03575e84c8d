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
from tkeras.applications import mobilenet, mobilenet_v2, mobilenet_v3, resnet, resnet50, resnet_v2
from tkeras.applications.mobilenet import MobileNet
from tkeras.applications.mobilenet_v2 import MobileNetV2
from tkeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from tkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from tkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from tkeras.applications import inception_v3, xception
from tkeras.applications.inception_v3 import InceptionV3
from tkeras.applications.xception import Xception
from tkeras.applications import inception_resnet_v2
from tkeras.applications.inception_resnet_v2 import InceptionResNetV2
from tkeras.applications import convnext
from tkeras.applications.convnext import ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny, ConvNeXtXLarge
from tkeras.applications import regnet
from tkeras.applications.regnet import (RegNetX002, RegNetX004, RegNetX006, RegNetX008, RegNetX016, RegNetX032, RegNetX040,
                                       RegNetX064, RegNetX080, RegNetX120, RegNetX160, RegNetX320, RegNetY002, RegNetY004,
                                       RegNetY006, RegNetY008, RegNetY016, RegNetY032, RegNetY040, RegNetY064, RegNetY080,
                                       RegNetY120, RegNetY160, RegNetY320)
from tkeras.applications import nasnet
from tkeras.applications.nasnet import NASNetLarge, NASNetMobile
from tkeras.applications import efficientnet, efficientnet_v2
from tkeras.applications.efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4,
                                             EfficientNetB5, EfficientNetB6, EfficientNetB7)
from tkeras.applications.efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3,
                                                EfficientNetV2L, EfficientNetV2M, EfficientNetV2S)
from tkeras.applications import resnet_rs
from tkeras.applications.resnet_rs import (ResNetRS50, ResNetRS101, ResNetRS152, ResNetRS200, ResNetRS270, ResNetRS350,
                                          ResNetRS420)
