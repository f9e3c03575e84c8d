"""imagenet_utils: preprocessing modes against NumPy formulas, decoding, and Keras' argument checks."""
import json

import numpy as np
import pytest
import torch

import tkeras
from tkeras.applications import imagenet_utils, weights

_BGR_MEAN = np.array([103.939, 116.779, 123.68])
_TORCH_MEAN, _TORCH_STD = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])


def _expected(x, mode, channels_first):
    x = x.astype("float64")
    if channels_first:
        x = np.moveaxis(x, -3, -1)
    if mode == "tf":
        y = x / 127.5 - 1.0
    elif mode == "torch":
        y = (x / 255.0 - _TORCH_MEAN) / _TORCH_STD
    else:
        y = x[..., ::-1] - _BGR_MEAN
    return np.moveaxis(y, -1, -3) if channels_first else y


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("batched", [True, False])
def test_modes_match_their_formulas_for_arrays_and_tensors(mode, data_format, batched):
    rng = np.random.default_rng(0)
    shape = (2, 4, 5, 3) if batched else (4, 5, 3)
    if data_format == "channels_first":
        shape = shape[:-3] + (3,) + shape[-3:-1]
    images = rng.uniform(0, 255, size=shape).astype("float32")
    expected = _expected(images, mode, data_format == "channels_first")
    from_numpy = imagenet_utils.preprocess_input(images.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(from_numpy, expected, rtol=1e-5, atol=1e-4)
    from_tensor = imagenet_utils.preprocess_input(torch.tensor(images), data_format=data_format, mode=mode)
    assert isinstance(from_tensor, torch.Tensor) and from_tensor.dtype == torch.float32
    np.testing.assert_allclose(from_tensor.numpy(), expected, rtol=1e-5, atol=1e-4)


def test_integer_images_become_float32_and_float_arrays_are_written_over():
    pixels = np.full((1, 2, 2, 3), 255, dtype="uint8")
    out = imagenet_utils.preprocess_input(pixels, mode="tf")
    assert out.dtype == np.float32 and np.allclose(out, 1.0) and pixels.dtype == np.uint8
    floats = np.full((1, 2, 2, 3), 255.0, dtype="float32")
    imagenet_utils.preprocess_input(floats, mode="tf")
    assert np.allclose(floats, 1.0)  # Keras documents the in-place write for float arrays


def test_works_inside_a_functional_model():
    inputs = tkeras.Input((4, 4, 3))
    model = tkeras.Model(inputs, imagenet_utils.preprocess_input(inputs, mode="caffe"))
    images = np.random.default_rng(1).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(images, verbose=0), _expected(images, "caffe", False), atol=1e-4)


def test_bad_mode_and_data_format_are_named():
    with pytest.raises(ValueError, match="mode to be one of `caffe`, `tf` or `torch`. Received: mode=pytorch"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="pytorch")
    with pytest.raises(ValueError, match="Received: data_format=NHWC"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="NHWC")


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    table = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / imagenet_utils.CLASS_INDEX_FILE).write_text(json.dumps(table))
    monkeypatch.setenv(weights.MODELS_ENV, str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", None)  # our table is not Google's file
    return table


def test_decode_predictions_returns_the_top_classes_by_score(class_index):
    scores = np.zeros((2, 1000), dtype="float32")
    scores[0, [7, 42, 999]] = [0.2, 0.7, 0.1]
    scores[1, [3, 500]] = [0.4, 0.6]
    decoded = imagenet_utils.decode_predictions(scores, top=3)
    assert [entry[:2] for entry in decoded[0]] == [("n00000042", "class_42"), ("n00000007", "class_7"),
                                                  ("n00000999", "class_999")]
    assert decoded[0][0][2] == pytest.approx(0.7) and len(decoded[1]) == 3
    assert decoded[1][0][1] == "class_500"
    assert imagenet_utils.decode_predictions(torch.tensor(scores), top=1)[1][0][1] == "class_500"
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\).*Received array with shape: \(2, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_decode_predictions_offline_says_where_to_put_the_class_index(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(weights.MODELS_ENV, str(tmp_path / "empty"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda *a, **k: (_ for _ in ()).throw(urllib.error.URLError("offline")))
    with pytest.raises(weights.WeightsFileNotFoundError) as info:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    assert "imagenet_class_index.json" in str(info.value) and imagenet_utils.CLASS_INDEX_PATH in str(info.value)
    assert str(tmp_path / ".keras" / "models") in str(info.value)


def test_obtain_input_shape_defaults_and_errors():
    shape = imagenet_utils.obtain_input_shape
    assert shape(None, 224, 32, "channels_last", require_flatten=True) == (224, 224, 3)
    assert shape(None, 224, 32, "channels_first", require_flatten=False) == (3, None, None)
    assert shape((64, 48, 3), 224, 32, "channels_last", require_flatten=False, weights="imagenet") == (64, 48, 3)
    assert shape(None, 224, 32, "channels_last", require_flatten=True, weights="imagenet") == (224, 224, 3)
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\).*input_shape=\(64, 64, 3\)"):
        shape((64, 64, 3), 224, 32, "channels_last", require_flatten=True, weights="imagenet")
    with pytest.raises(ValueError, match="The input must have 3 channels"):
        shape((64, 64, 1), 224, 32, "channels_last", require_flatten=False, weights="imagenet")
    with pytest.raises(ValueError, match=r"at least 32x32; Received: input_shape=\(16, 64, 3\)"):
        shape((16, 64, 3), 224, 32, "channels_last", require_flatten=False)
    with pytest.raises(ValueError, match="tuple of three integers"):
        shape((64, 64), 224, 32, "channels_last", require_flatten=False)
    with pytest.raises(ValueError, match="specify a static `input_shape`"):
        shape((None, None, 3), 224, 32, "channels_last", require_flatten=True)
    with pytest.warns(UserWarning, match="with 5 input channels"):
        assert shape((40, 40, 5), 224, 32, "channels_last", require_flatten=True) == (40, 40, 5)


def test_validate_activation_allows_softmax_or_logits_with_pretrained_weights():
    imagenet_utils.validate_activation("relu", None)
    imagenet_utils.validate_activation("softmax", "imagenet")
    imagenet_utils.validate_activation(None, "imagenet")
    with pytest.raises(ValueError, match="Only `None` and `softmax`.*classifier_activation="):
        imagenet_utils.validate_activation("sigmoid", "imagenet")


def test_correct_pad_matches_tensorflow_same_padding():
    assert imagenet_utils.correct_pad(tkeras.Input((32, 32, 3)), 3) == ((0, 1), (0, 1))
    assert imagenet_utils.correct_pad(tkeras.Input((33, 33, 3)), 3) == ((1, 1), (1, 1))
    assert imagenet_utils.correct_pad(tkeras.Input((None, None, 3)), (5, 5)) == ((1, 2), (1, 2))


def test_tensor_constants_follow_the_images_device():
    # 'meta' stands in for a GPU: a constant made on the default device would not combine with it.
    images = torch.ones((1, 2, 2, 3), device="meta")
    for mode in ("caffe", "torch"):
        out = imagenet_utils.preprocess_input(images, mode=mode)
        assert out.device.type == "meta" and out.shape == (1, 2, 2, 3)
