"""`image_dataset_from_directory(smart_resize=True)`, tf-keras 2's spelling of `crop_to_aspect_ratio=True`
(Deep Learning with Python 2nd ed., chapter 12's GAN), against pixels recorded from tf-keras 2.21 by
tests/fixtures/make_nb_d2_smart_resize_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

Image = pytest.importorskip("PIL.Image")

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_d2_smart_resize_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)


@pytest.fixture
def image_folder(tmp_path):
    (tmp_path / "faces").mkdir()
    Image.fromarray(np.array(REFERENCE["image"], dtype="uint8")).save(tmp_path / "faces" / "0.png")
    return str(tmp_path)


def first_image(folder, **kwargs):
    dataset = keras.utils.image_dataset_from_directory(folder, label_mode=None, image_size=(4, 4), batch_size=1,
                                                       shuffle=False, verbose=False, **kwargs)
    return np.asarray(next(iter(dataset)))[0]


@pytest.mark.parametrize("case, kwargs", [("smart_resize", {"smart_resize": True}),
                                          ("crop_to_aspect_ratio", {"crop_to_aspect_ratio": True}),
                                          ("plain", {})])
def test_pixels_match_tf_keras(image_folder, case, kwargs):
    np.testing.assert_allclose(first_image(image_folder, **kwargs), np.array(REFERENCE[case]), atol=1e-3)


def test_an_unknown_keyword_is_named(image_folder):
    with pytest.raises(TypeError, match="smart_crop"):
        first_image(image_folder, smart_crop=True)
