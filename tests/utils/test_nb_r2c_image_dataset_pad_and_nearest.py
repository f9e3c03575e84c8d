"""`image_dataset_from_directory` against batches recorded from Keras 3.15.1 and tf-keras 2.21 by
tests/fixtures/make_nb_r2c_image_dataset_pad_reference.py (three PNGs, 13x7, 5x11 and 9x9, read at 6x8):

- `pad_to_aspect_ratio=True` is TensorFlow's resize_with_pad: the image scaled to fit and centred on a
  zero canvas (Keras 3 only; tf-keras 2 has no such argument);
- `interpolation="nearest"` gives uint8 batches, plain, cropped or padded (tf-keras 2 agrees for the
  modes it has); the other interpolations give float32.
"""
import json
import os

import numpy as np
import pytest

import tkeras as keras

Image = pytest.importorskip("PIL.Image")

_RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_r2c_image_dataset_pad_reference.json")))
_KERAS_3 = _RECORDED["keras_3"]


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("classes")
    for name, pixels in _KERAS_3["pixels"].items():
        (root / name).mkdir()
        Image.fromarray(np.array(pixels, dtype=np.uint8)).save(root / name / "image.png")
    return str(root)


def _batch_by_class(folder, case):
    mode, interpolation = case.split("_")
    kwargs = {"crop_to_aspect_ratio": mode == "crop", "pad_to_aspect_ratio": mode == "pad"}
    dataset = keras.utils.image_dataset_from_directory(folder, image_size=tuple(_KERAS_3["target"]), batch_size=8,
                                                       shuffle=False, verbose=False, interpolation=interpolation,
                                                       **kwargs)
    images, labels = next(iter(dataset))
    images, labels = keras.ops.convert_to_numpy(images), keras.ops.convert_to_numpy(labels)
    return images.dtype, {dataset.class_names[int(label)]: image for image, label in zip(images, labels)}


@pytest.mark.parametrize("case", sorted(_KERAS_3["cases"]))
def test_batches_match_keras_3(image_folder, case):
    expected = _KERAS_3["cases"][case]
    dtype, images = _batch_by_class(image_folder, case)
    assert str(dtype) == expected["dtype"]
    for name, image in images.items():
        np.testing.assert_allclose(image.astype("float64"), expected["images"][name], atol=1e-3,
                                   err_msg=f"{case}: {name} image")


@pytest.mark.parametrize("case", sorted(_RECORDED["tf_keras_2"]["cases"]))
def test_dtypes_match_tf_keras_2(image_folder, case):
    dtype, _ = _batch_by_class(image_folder, case)
    assert str(dtype) == _RECORDED["tf_keras_2"]["cases"][case]["dtype"]
