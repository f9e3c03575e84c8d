"""Part H's families beyond the reference outputs: published files, preprocessing, errors, private layers.

The file names, URLs and hashes below are the ones Keras 3.15.1 (tf-keras 2.21 for RegNet and
ResNetRS) asks for; a tkeras model built with weights="imagenet" must ask for the same file.
"""
import importlib

import numpy as np
import pytest
import torch

import tkeras
from tkeras.applications import weights as weights_module

GS = "https://storage.googleapis.com/tensorflow/keras-applications/"


@pytest.fixture(autouse=True)
def _skip_truncated_normal_draws(monkeypatch):
    """Initial values are overwritten or never used in these tests; torch's truncated-normal sampling
    of tens of millions of values (ResNetRS, EfficientNet) would otherwise dominate their run time."""
    monkeypatch.setattr(torch.nn.init, "trunc_normal_", lambda tensor, *args, **kwargs: tensor.zero_())


class _Requested(Exception):
    pass


@pytest.fixture
def requested(monkeypatch):
    """Records the (file name, origin, hash) a constructor asks for, then stops it."""
    calls = []

    def fake_get_weights_path(fname, origin, file_hash=None):
        calls.append((fname, origin, file_hash))
        raise _Requested

    monkeypatch.setattr(weights_module, "get_weights_path", fake_get_weights_path)
    return calls


PUBLISHED = [
    ("densenet", "DenseNet121", {}, "densenet121_weights_tf_dim_ordering_tf_kernels.h5",
     GS + "densenet/densenet121_weights_tf_dim_ordering_tf_kernels.h5", "9d60b8095a5708f2dcce2bca79d332c7"),
    ("densenet", "DenseNet201", {"include_top": False}, "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5",
     GS + "densenet/densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5", "c13680b51ded0fb44dff2d8f86ac8bb1"),
    ("inception_v3", "InceptionV3", {"include_top": False},
     "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
     GS + "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
     "bcbd6486424b2319ff4ef7d526e38f63"),
    ("xception", "Xception", {}, "xception_weights_tf_dim_ordering_tf_kernels.h5",
     GS + "xception/xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    ("inception_resnet_v2", "InceptionResNetV2", {"include_top": False},
     "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
     GS + "inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
     "d19885ff4a710c122648d3b5c3b684e4"),
    ("convnext", "ConvNeXtTiny", {}, "convnext_tiny.h5", GS + "convnext/convnext_tiny.h5",
     "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff"),
    ("efficientnet", "EfficientNetB0", {"include_top": False}, "efficientnetb0_notop.h5",
     "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
     "50bc09e76180e00e4465e1a485ddc09d"),
    ("efficientnet_v2", "EfficientNetV2B0", {}, "efficientnetv2-b0.h5",
     GS + "efficientnet_v2/efficientnetv2-b0.h5", "21ecbf6da12460d5c40bb2f29ceb2188"),
    ("efficientnet_v2", "EfficientNetV2S", {"include_top": False}, "efficientnetv2-s_notop.h5",
     GS + "efficientnet_v2/efficientnetv2-s_notop.h5", "af0682fb74e8c54910f2d4393339c070"),
    ("nasnet", "NASNetMobile", {"include_top": False}, "nasnet_mobile_no_top.h5",
     GS + "nasnet/NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"),
    ("regnet", "RegNetX002", {}, "regnetx002.h5", GS + "regnet/regnetx002.h5",
     "49fb46e56cde07fdaf57bffd851461a86548f6a3a4baef234dd37290b826c0b8"),
    ("regnet", "RegNetY002", {"include_top": False}, "regnety002_notop.h5", GS + "regnet/regnety002_notop.h5",
     "f63221f63d625b8e201221499682587bfe29d33f50a4c4f4d53be00f66c0f12c"),
    ("resnet_rs", "ResNetRS50", {}, "resnet-rs-50-i160.h5", GS + "resnet_rs/resnet-rs-50-i160.h5",
     "69d9d925319f00a8bdd4af23c04e4102"),
    ("resnet_rs", "ResNetRS101", {"weights": "imagenet-i160", "include_top": False},
     "resnet-rs-101-i160_notop.h5", GS + "resnet_rs/resnet-rs-101-i160_notop.h5",
     "82d5b90c5ce9d710da639d6216d0f979"),
]


@pytest.mark.parametrize("family,constructor,kwargs,fname,origin,file_hash", PUBLISHED,
                         ids=[f"{row[1]}-{len(row[2])}" for row in PUBLISHED])
def test_imagenet_asks_for_keras_published_file(requested, family, constructor, kwargs, fname, origin, file_hash):
    tkeras.backend.clear_session()
    build = getattr(importlib.import_module(f"tkeras.applications.{family}"), constructor)
    with pytest.raises(_Requested):
        build(**{"weights": "imagenet", **kwargs})
    assert requested == [(fname, origin, file_hash)]


def _images(seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (2, 8, 8, 3)).astype(np.float32)


@pytest.mark.parametrize("family,expected", [
    ("densenet", lambda x: (x / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]),
    ("inception_v3", lambda x: x / 127.5 - 1.0),
    ("xception", lambda x: x / 127.5 - 1.0),
    ("inception_resnet_v2", lambda x: x / 127.5 - 1.0),
    ("nasnet", lambda x: x / 127.5 - 1.0),
    ("convnext", lambda x: x),
    ("efficientnet", lambda x: x),
    ("efficientnet_v2", lambda x: x),
    ("regnet", lambda x: x),
    ("resnet_rs", lambda x: x),
])
def test_preprocess_input_is_the_family_mode(family, expected):
    module = importlib.import_module(f"tkeras.applications.{family}")
    images = _images()
    np.testing.assert_allclose(module.preprocess_input(images.copy()), expected(images.astype(np.float64)),
                               rtol=1e-5, atol=1e-5)
    assert module.decode_predictions is not None


def test_in_model_preprocessing_matches_the_published_statistics():
    """ConvNeXt and EfficientNetV2-B normalize [0, 255] pixels with ImageNet's mean/std inside the model."""
    from tkeras.applications import convnext, efficientnet_v2
    # 32x32, the models' Input size: a functional model refuses other sizes, as Keras' does
    images = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    expected = (images / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    model = convnext.ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3))
    prestem = tkeras.Model(model.inputs, model.get_layer("convnext_tiny_prestem_normalization").output)
    np.testing.assert_allclose(prestem.predict(images, verbose=0), expected, rtol=1e-4, atol=1e-4)
    model = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3))
    normalization = [layer for layer in model.layers if type(layer).__name__ == "Normalization"][0]
    head = tkeras.Model(model.inputs, normalization.output)
    np.testing.assert_allclose(head.predict(images, verbose=0), expected, rtol=1e-4, atol=1e-4)
    model = efficientnet_v2.EfficientNetV2S(weights=None, include_top=False, input_shape=(32, 32, 3))
    rescaling = [layer for layer in model.layers if type(layer).__name__ == "Rescaling"][0]
    head = tkeras.Model(model.inputs, rescaling.output)
    np.testing.assert_allclose(head.predict(images, verbose=0), images / 128.0 - 1.0, rtol=1e-5, atol=1e-5)


def test_argument_errors_name_the_problem():
    from tkeras.applications import convnext, densenet, nasnet, resnet_rs
    with pytest.raises(ValueError, match="classes.*1000"):
        densenet.DenseNet121(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="weights"):
        densenet.DenseNet121(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match="at least 32x32"):
        densenet.DenseNet121(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match=r"imagenet-i160', 'imagenet-i192'.*imagenet-i224"):
        resnet_rs.ResNetRS101(weights="imagenet-i224")
    with pytest.raises(ValueError, match="multiple of 24"):
        nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=100, weights=None)
    with pytest.raises(ValueError, match="convnext_tiny"):
        convnext.ConvNeXtTiny(weights="imagenet", name="my_model")
    tkeras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="ConvNeXt does not support the `channels_first`"):
            convnext.ConvNeXtTiny(weights=None)
    finally:
        tkeras.config.set_image_data_format("channels_last")


def test_stochastic_depth_drops_whole_samples_only_while_training():
    from tkeras.applications.convnext import StochasticDepth
    layer = StochasticDepth(0.5)
    x = torch.ones(400, 3, 2)
    np.testing.assert_array_equal(np.asarray(layer(x)), np.ones((400, 3, 2)))
    out = np.asarray(layer(x, training=True))
    per_sample = out.reshape(400, -1)
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert (per_sample == per_sample[:, :1]).all()  # a sample is kept or dropped as a whole
    assert 0.35 < (per_sample[:, 0] > 0).mean() < 0.65
    assert layer.get_config()["drop_path_rate"] == 0.5


def test_layer_scale_starts_at_init_values_and_scales_channels():
    from tkeras.applications.convnext import LayerScale
    layer = LayerScale(1e-6, 4)
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(np.asarray(layer(x)), x * 1e-6, rtol=1e-6)
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(4,)]
    assert layer.get_config()["init_values"] == 1e-6 and layer.get_config()["projection_dim"] == 4


def test_custom_scale_layer_is_the_scaled_residual_sum():
    from tkeras.applications.inception_resnet_v2 import CustomScaleLayer
    a, b = np.ones((2, 3), np.float32), np.full((2, 3), 10.0, np.float32)
    np.testing.assert_allclose(np.asarray(CustomScaleLayer(0.17)([a, b])), 1.0 + 1.7, rtol=1e-6)
    assert CustomScaleLayer(0.2).get_config()["scale"] == 0.2


def test_input_tensor_and_pooling_heads():
    from tkeras.applications import efficientnet
    inputs = tkeras.Input((32, 32, 3))
    model = efficientnet.EfficientNetB0(weights=None, include_top=False, input_tensor=inputs, pooling="max")
    assert model.inputs[0] is inputs
    assert tuple(model.output.shape) == (None, 1280)
    assert model.layers[-1].name == "max_pool"


def test_auto_named_families_load_keras2_h5_in_layer_order(tmp_path):
    """A Keras 2 `.h5` of Xception written when the automatic names of its shortcut convolutions were
    other ones (Keras' published files count from `conv2d_1`) loads in layer order, as in Keras 3;
    matching those layers by name would find none of them."""
    from tkeras.applications import xception
    tkeras.backend.clear_session()
    tkeras.layers.Conv2D(1, 1), tkeras.layers.BatchNormalization()  # shift the automatic names
    source = xception.Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
    rng = np.random.default_rng(3)
    for variable in source.weights:
        variable.assign(rng.uniform(0.5, 1.5, tuple(variable.shape)).astype(np.float32))
    path = str(tmp_path / "xception_notop.h5")
    source.save_weights(path)
    tkeras.backend.clear_session()
    model = xception.Xception(weights=path, include_top=False, input_shape=(71, 71, 3))
    assert "conv2d" in [layer.name for layer in model.layers]
    assert "conv2d" not in [layer.name for layer in source.layers]
    for loaded, saved in zip(model.weights, source.weights):
        np.testing.assert_array_equal(np.asarray(loaded), np.asarray(saved))
