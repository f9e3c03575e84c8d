"""Loading Keras 2 `.h5` weight files as Keras publishes them, and the constructors' argument checks.

`mobilenet_0.25_32_notop_tf_keras.h5` was written by real tf-keras 2.21 with `save_weights`, the
layout of Keras' published application weights (`make_h5_g.py`, with the output tf-keras computed).
"""
import os
import shutil

import numpy as np
import pytest

import tkeras
from tkeras import applications

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "applications")
H5 = os.path.join(FIXTURES, "mobilenet_0.25_32_notop_tf_keras.h5")
H5_OUTPUT = np.load(os.path.join(FIXTURES, "mobilenet_0.25_32_notop_tf_keras_output.npy"))


def _images():
    import sys
    sys.path.insert(0, FIXTURES)
    from weight_fill_g import images
    return applications.mobilenet.preprocess_input(images(32).copy())


def test_weights_path_loads_a_tf_keras_h5_by_layer_name():
    assert np.abs(H5_OUTPUT[0] - H5_OUTPUT[1]).max() > 0.1 * np.abs(H5_OUTPUT).max()  # the output depends on the input
    model = applications.MobileNet(alpha=0.25, input_shape=(32, 32, 3), include_top=False, weights=H5)
    np.testing.assert_allclose(model.predict(_images(), verbose=0), H5_OUTPUT, rtol=1e-4, atol=1e-4)


def test_imagenet_weights_come_from_the_model_folders_under_keras_file_name(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda *a, **k: (_ for _ in ()).throw(urllib.error.URLError("offline")))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(applications.weights.MODELS_ENV, str(tmp_path / "models"))
    with pytest.raises(FileNotFoundError, match=r"mobilenet_2_5_224_tf_no_top\.h5.*keras-applications/mobilenet/"):
        with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\) will be loaded"):
            applications.MobileNet(alpha=0.25, input_shape=(32, 32, 3), include_top=False)
    (tmp_path / "models").mkdir()
    shutil.copy(H5, tmp_path / "models" / "mobilenet_2_5_224_tf_no_top.h5")
    with pytest.warns(UserWarning, match="224"):
        model = applications.MobileNet(alpha=0.25, input_shape=(32, 32, 3), include_top=False)
    np.testing.assert_allclose(model.predict(_images(), verbose=0), H5_OUTPUT, rtol=1e-4, atol=1e-4)


def test_a_file_for_another_architecture_is_refused_naming_the_missing_layers():
    with pytest.raises(ValueError, match=r"holds no weights for 104 of the model's layers \('Conv1', 'bn_Conv1'.*another architecture"):
        applications.MobileNetV2(alpha=0.35, input_shape=(32, 32, 3), include_top=False, weights=H5)


@pytest.mark.filterwarnings("ignore:`input_shape` is undefined")
def test_published_file_names_and_hashes(tmp_path, monkeypatch):
    """Keras' file names, URLs and md5s reach the lookup (the download itself is refused offline)."""
    seen = []

    def record(fname, origin, file_hash=None):
        seen.append((fname, origin, file_hash))
        raise applications.weights.WeightsFileNotFoundError(fname)
    for module in ("_vgg", "resnet", "mobilenet", "mobilenet_v2", "mobilenet_v3"):
        monkeypatch.setattr(f"tkeras.applications.{module}.load_application_weights",
                            lambda model, weights, fname, origin, file_hash: record(fname, origin, file_hash))
    calls = [lambda: applications.VGG16(include_top=False), lambda: applications.ResNet50(),
             lambda: applications.ResNet152V2(include_top=False), lambda: applications.MobileNetV2(alpha=0.35),
             lambda: applications.MobileNet(alpha=0.5, input_shape=(160, 160, 3)),
             lambda: applications.MobileNetV3Small(minimalistic=True, include_top=False)]
    for call in calls:
        with pytest.raises(applications.weights.WeightsFileNotFoundError):
            call()
    root = "https://storage.googleapis.com/tensorflow/keras-applications/"
    assert seen == [
        ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
         root + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
        ("resnet50_weights_tf_dim_ordering_tf_kernels.h5",
         root + "resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5", "2cb95161c43110f7111970584f804107"),
        ("resnet152v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
         root + "resnet/resnet152v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "ed17cf2e0169df9d443503ef94b23b33"),
        ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5",
         root + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5", None),
        ("mobilenet_5_0_160_tf.h5", root + "mobilenet/mobilenet_5_0_160_tf.h5", None),
        ("weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5",
         root + "mobilenet_v3/weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5",
         "cde8136e733e811080d9fcd8a252f7e4"),
    ]


@pytest.mark.parametrize("call, message", [
    (lambda: applications.VGG16(weights="imagenet", classes=10), "`classes` should be 1000"),
    (lambda: applications.ResNet50(weights="no_such_file.h5"), "`weights` argument should be either"),
    (lambda: applications.ResNet50(weights=None, input_shape=(16, 16, 3), include_top=False), "at least 32x32"),
    (lambda: applications.VGG19(weights=None, input_shape=(None, None, 3)), "static `input_shape`"),
    (lambda: applications.ResNet50V2(weights="imagenet", classifier_activation="relu"), "Only `None` and `softmax`"),
    (lambda: applications.MobileNet(weights="imagenet", alpha=0.3), "alpha can be one of"),
    (lambda: applications.MobileNet(weights="imagenet", depth_multiplier=2), "depth multiplier must be 1"),
    (lambda: applications.MobileNetV2(weights="imagenet", alpha=0.2), "alpha must be one of"),
    (lambda: applications.MobileNetV3Large(weights="imagenet", alpha=0.75, minimalistic=True), "alpha can be one of"),
    (lambda: applications.MobileNetV3Small(weights=None, input_shape=(24, 24, 3)), "at least 32x32"),
    (lambda: applications.ResNet50(weights=None, input_tensor=np.zeros((1, 32, 32, 3))), "symbolic Keras tensor"),
])
def test_bad_arguments_get_keras_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_input_tensor_and_pooling_shapes():
    inputs = tkeras.Input((48, 48, 3), name="pixels")
    scaled = tkeras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    model = applications.MobileNetV2(alpha=0.35, include_top=False, weights=None, input_tensor=scaled, pooling="avg")
    assert model.inputs[0] is inputs and model.output_shape == (None, 1280)
    assert model.name == "mobilenetv2_0.35_None"  # Keras names it from input_shape, which was not given
    features = applications.ResNet50(include_top=False, weights=None)
    assert features.input_shape == (None, None, None, 3) and features.output_shape == (None, None, None, 2048)
    assert applications.VGG16(include_top=False, weights=None, pooling="max").output_shape == (None, 512)
    assert applications.resnet50.ResNet50 is applications.resnet.ResNet50 is applications.ResNet50
    x = np.full((1, 1, 1, 3), 255.0, "float32")
    assert applications.mobilenet_v3.preprocess_input(x) is x
