"""keras.utils.bounding_boxes against Keras 3.15.1 on the same boxes (tests/fixtures/
bounding_boxes_reference.json; the cases are listed in tests/fixtures/make_bounding_boxes_reference.py)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.fixtures.make_bounding_boxes_reference import BOXES, arguments, cases

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "bounding_boxes_reference.json")) as f:
    REFERENCE = json.load(f)["results"]
CASES = cases()


def as_lists(value):
    if isinstance(value, dict):
        return {k: as_lists(v) for k, v in value.items()}
    return np.asarray(value.numpy() if isinstance(value, torch.Tensor) else value)


@pytest.mark.parametrize("name, function, args, kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_keras(name, function, args, kwargs):
    args, kwargs = arguments(args, kwargs)
    got = as_lists(getattr(keras.utils.bounding_boxes, function)(*args, **kwargs))
    want = REFERENCE[name]
    if isinstance(want, dict):
        assert sorted(got) == sorted(want)
        for key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-5, err_msg=key)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_round_trip_through_every_format():
    boxes = torch.tensor(BOXES)
    for target in keras.utils.bounding_boxes.SUPPORTED_FORMATS:
        there = keras.utils.bounding_boxes.convert_format(boxes, "xyxy", target, height=100, width=120)
        back = keras.utils.bounding_boxes.convert_format(there, target, "XYXY", height=100, width=120)
        np.testing.assert_allclose(back.numpy(), BOXES, rtol=1e-5, atol=1e-4, err_msg=target)


def test_errors_say_what_is_missing():
    convert = keras.utils.bounding_boxes.convert_format
    with pytest.raises(ValueError, match="must receive `height` and `width`"):
        convert(np.ones((1, 4)), "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="last dimension of 4. Received: boxes.shape=\\(2, 3\\)"):
        convert(np.ones((2, 3)), "xyxy", "xywh")
    with pytest.raises(ValueError, match="Supported formats"):
        convert(np.ones((1, 4)), "xyxy", "corners")
    with pytest.raises(ValueError, match="`image_shape` argument must be provided"):
        keras.utils.bounding_boxes.compute_iou(np.ones((1, 4)), np.ones((1, 4)), "rel_xyxy")
    with pytest.raises(ValueError, match="`variance` must be length 4"):
        keras.utils.bounding_boxes.encode_box_to_deltas(np.ones((1, 4)), np.ones((1, 4)), "xyxy", "xyxy",
                                                        variance=[1.0, 1.0])
    with pytest.raises(NotImplementedError, match="crop supports bounding_box_format='xyxy'"):
        keras.utils.bounding_boxes.crop(np.ones((1, 4)), 0, 0, 10, 10, bounding_box_format="yxyx")
