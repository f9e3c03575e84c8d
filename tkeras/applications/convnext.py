"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., 2022): a ResNet modernized along transformer lines.

Preprocessing (ImageNet mean/std on [0, 255] pixels) is a `Normalization` layer inside the model, so
`convnext.preprocess_input` is the identity. `LayerScale` and `StochasticDepth` are the two layers
Keras keeps private to this family; they live here too.
"""
import numpy as np
import torch

from tkeras import initializers, layers
from tkeras.applications import imagenet_utils
from tkeras.applications._model_io import check_arguments, global_pooling, image_input, model_inputs
from tkeras.applications.weights import load_application_weights
from tkeras.backend.config import image_data_format
from tkeras.layers.layer import Layer

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# weights name -> (sha256 with the classifier, sha256 without it)
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}
_IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
_IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


class StochasticDepth(Layer):
    """Drops the whole residual branch for a random subset of samples while training (drop path).

    Survivors are scaled by 1/keep_prob so the expected output is unchanged; at inference the branch
    always passes.
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training or not self.drop_path_rate:
            return x
        keep_prob = 1.0 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (x.dim() - 1)
        keep = torch.floor(keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device))
        return x / keep_prob * keep

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


class LayerScale(Layer):
    """Multiplies each channel by a learned factor that starts tiny (`init_values`, e.g. 1e-6).

    A new residual branch thereby starts close to the identity, which stabilizes training of deep
    stacks.
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values), trainable=True)

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """Depthwise 7x7 -> LayerNorm -> 4x pointwise expansion (GELU) -> projection, on a residual path."""
    if name is None:
        from tkeras.backend import get_uid
        name = f"prestem{get_uid('prestem')}"

    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            branch_end = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            branch_end = layers.Activation("linear", name=f"{name}_identity")
        return inputs + branch_end(x)

    return apply


def PreStem(name=None):
    """ImageNet mean/std normalization of [0, 255] pixels, as the first layer of the model."""
    if name is None:
        from tkeras.backend import get_uid
        name = f"prestem{get_uid('prestem')}"

    def apply(x):
        return layers.Normalization(mean=_IMAGENET_MEAN, variance=_IMAGENET_VARIANCE,
                                    name=f"{name}_prestem_normalization")(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """Global average pooling -> LayerNorm -> the classifier."""
    if name is None:
        from tkeras.backend import get_uid
        name = str(get_uid("head"))

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)

    return apply


def _downsampling_layers(name, projection_dims):
    """The patchify stem and the three LayerNorm + strided 2x2 conv downsamplers, as nested Sequentials."""
    from tkeras.models.sequential import Sequential
    stem = Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
    ], name=f"{name}_stem")
    downsamplers = [stem]
    for i in range(3):
        downsamplers.append(Sequential([
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
            layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}"),
        ], name=f"{name}_downsampling_block_{i}"))
    return downsamplers


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """A ConvNeXt with `depths[i]` blocks of width `projection_dims[i]` in each of its four stages."""
    from tkeras.models.functional import Functional
    if image_data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. Switch to "
                         "`channels_last` (keras.config.set_image_data_format('channels_last')).")
    check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    if weights == "imagenet":
        _check_pretrained_variant(depths, projection_dims, name, weights_name)
    img_input = image_input(input_tensor, input_shape)
    inputs = img_input if input_tensor is None else model_inputs(input_tensor, img_input)[0]
    x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name=name)(x)

    drop_rates = [float(rate) for rate in np.linspace(0.0, drop_path_rate, sum(depths))]
    first = 0
    for stage, downsampler in enumerate(_downsampling_layers(name, projection_dims)):
        x = downsampler(x)
        for j in range(depths[stage]):
            x = ConvNeXtBlock(projection_dim=projection_dims[stage], drop_path_rate=drop_rates[first + j],
                              layer_scale_init_value=layer_scale_init_value,
                              name=f"{name}_stage_{stage}_block_{j}")(x)
        first += depths[stage]

    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        x = global_pooling(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = Functional(inputs=inputs, outputs=x, name=name)
    if weights is None:
        return model
    fname = name + (".h5" if include_top else "_notop.h5")
    hashes = WEIGHTS_HASHES.get(weights_name, (None, None))
    return load_application_weights(model, weights, fname=fname, origin=BASE_WEIGHTS_PATH + fname,
                                    file_hash=hashes[0] if include_top else hashes[1])


def _check_pretrained_variant(depths, projection_dims, name, weights_name):
    """ImageNet weights exist only for the five published shapes, under their published file names."""
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
        raise ValueError(f"Architecture configuration does not match {weights_name} variant: the pretrained "
                         f"weights need depths={expected['depths']} (got {list(depths)}) and "
                         f"projection_dims={expected['projection_dims']} (got {list(projection_dims)}).")
    if weights_name not in name:
        raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}": with '
                         f"imagenet weights the model name must contain {weights_name!r} (it names the "
                         "weights file).")


def _variant(variant, include_top, include_preprocessing, weights, input_tensor, input_shape, pooling, classes,
             classifier_activation, name):
    config = MODEL_CONFIGS[variant]
    return ConvNeXt(weights_name=f"convnext_{variant}", depths=config["depths"],
                    projection_dims=config["projection_dims"], drop_path_rate=0.0, layer_scale_init_value=1e-6,
                    default_size=config["default_size"], name=name, include_top=include_top,
                    include_preprocessing=include_preprocessing, weights=weights, input_tensor=input_tensor,
                    input_shape=input_shape, pooling=pooling, classes=classes,
                    classifier_activation=classifier_activation)


def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                 name="convnext_tiny"):
    """ConvNeXt-T (stages of 3, 3, 9, 3 blocks; widths 96-768); takes [0, 255] pixels."""
    return _variant("tiny", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_small"):
    """ConvNeXt-S (stages of 3, 3, 27, 3 blocks; widths 96-768); takes [0, 255] pixels."""
    return _variant("small", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                 name="convnext_base"):
    """ConvNeXt-B (stages of 3, 3, 27, 3 blocks; widths 128-1024); takes [0, 255] pixels."""
    return _variant("base", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                  name="convnext_large"):
    """ConvNeXt-L (stages of 3, 3, 27, 3 blocks; widths 192-1536); takes [0, 255] pixels."""
    return _variant("large", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                   name="convnext_xlarge"):
    """ConvNeXt-XL (stages of 3, 3, 27, 3 blocks; widths 256-2048); takes [0, 255] pixels."""
    return _variant("xlarge", include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """The identity: ConvNeXt normalizes inside the model. Kept for API compatibility."""
    return x


def decode_predictions(preds, top=5):
    """ImageNet class predictions -> [(class id, class name, score)] per sample, best `top` first."""
    return imagenet_utils.decode_predictions(preds, top=top)
