"""MaxNumBoundingBoxes: padding and truncation as real Keras 3.15.1 does them
(tests/fixtures/preprocessing_extra_reference.json, script beside it), ragged lists, and errors."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.make_preprocessing_extra_reference import BOX_CASES

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "preprocessing_extra_reference.json")) as _handle:
    REFERENCE = json.load(_handle)["max_num_bounding_boxes"]


@pytest.mark.parametrize("case", BOX_CASES, ids=[c[0] for c in BOX_CASES])
def test_boxes_padded_and_cut_as_keras(case):
    name, kwargs, image_shape, boxes, labels = case
    expected = REFERENCE[name]
    images = np.arange(np.prod(image_shape), dtype="float32").reshape(image_shape)
    layer = keras.layers.MaxNumBoundingBoxes(bounding_box_format="xyxy", **kwargs)
    out = layer({"images": images, "bounding_boxes": {"boxes": np.asarray(boxes, "float32"),
                                                      "labels": np.asarray(labels, "int32")}})
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["boxes"]), expected["boxes"])
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["labels"]), expected["labels"])
    assert expected["images_unchanged"]
    np.testing.assert_array_equal(np.asarray(out["images"]), images)
    keras_config = {**expected["config"], "dtype": "float32", "name": layer.name}
    assert layer.get_config() == {**keras_config, "fill_value": kwargs.get("fill_value", -1)}


def test_ragged_lists_and_passthrough_entries():
    layer = keras.layers.MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")
    out = layer({"images": np.zeros((2, 4, 4, 3)), "labels": np.array([7, 8]),
                 "bounding_boxes": {"boxes": [[[1, 2, 3, 4]], [[0, 0, 1, 1], [1, 1, 2, 2]]], "labels": [[1], [2, 3]]}})
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["boxes"]),
                                  [[[1, 2, 3, 4], [-1] * 4, [-1] * 4], [[0, 0, 1, 1], [1, 1, 2, 2], [-1] * 4]])
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["labels"]), [[1, -1, -1], [2, 3, -1]])
    np.testing.assert_array_equal(np.asarray(out["labels"]), [7, 8])
    images = np.ones((1, 4, 4, 3), dtype="float32")
    np.testing.assert_array_equal(np.asarray(layer(images)), images)


def test_output_shape_and_config_round_trip():
    layer = keras.layers.MaxNumBoundingBoxes(max_number=5, fill_value=0, bounding_box_format="xyxy")
    shape = layer.compute_output_shape({"images": (2, 8, 8, 3),
                                        "bounding_boxes": {"boxes": (2, 9, 4), "labels": (2, 9)}})
    assert shape["bounding_boxes"] == {"boxes": (2, 5, 4), "labels": (2, 5)} and shape["images"] == (2, 8, 8, 3)
    restored = keras.layers.MaxNumBoundingBoxes.from_config(layer.get_config())
    assert (restored.max_number, restored.fill_value, restored.bounding_box_format) == (5, 0, "xyxy")


def test_errors_name_the_layer_and_what_is_missing():
    boxes = {"boxes": np.zeros((1, 2, 4), "float32"), "labels": np.zeros((1, 2), "int32")}
    with pytest.raises(ValueError, match="MaxNumBoundingBoxes: the input has 'bounding_boxes' but .*bounding_box_format"):
        keras.layers.MaxNumBoundingBoxes(max_number=2)({"images": np.zeros((1, 4, 4, 3)), "bounding_boxes": boxes})
    layer = keras.layers.MaxNumBoundingBoxes(max_number=2, bounding_box_format="xyxy")
    with pytest.raises(ValueError, match="MaxNumBoundingBoxes: `bounding_boxes` must be a dict with keys 'boxes' and"):
        layer({"images": np.zeros((1, 4, 4, 3)), "bounding_boxes": {"boxes": boxes["boxes"]}})
    with pytest.raises(ValueError, match=r"MaxNumBoundingBoxes: images must have rank 3 .* received shape \(4, 4\)"):
        layer(np.zeros((4, 4), "float32"))
    with pytest.raises(ValueError, match=r"MaxNumBoundingBoxes: expected boxes of shape \(batch, n, 4\)"):
        layer({"images": np.zeros((1, 4, 4, 3)), "bounding_boxes": {"boxes": np.zeros((1, 2, 5), "float32"),
                                                                     "labels": np.zeros((1, 2), "int32")}})
