"""TextVectorization on one string, a batch and a column, per output_mode, against real Keras 3
(tests/fixtures/make_kio_text_vectorization_shapes_reference.py). One string (a `dataset.map` before
batching, keras-io's active learning example) gives a row without a batch axis; tf-keras 2's
`output_mode="binary"` is multi_hot."""
import json
import os

import numpy as np
import pytest

import tkeras

_REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                         "kio_text_vectorization_shapes_reference.json")))


@pytest.mark.parametrize("key", sorted(_REFERENCE["results"]))
def test_matches_keras(key):
    case, shape_name = key.split("|")
    expected = _REFERENCE["results"][key]
    layer = tkeras.layers.TextVectorization(vocabulary=_REFERENCE["vocabulary"], **_REFERENCE["cases"][case])
    texts = _REFERENCE["inputs"][shape_name]
    value = np.asarray(layer(texts if shape_name == "0d" else np.array(texts)))
    assert list(value.shape) == expected["shape"]
    np.testing.assert_allclose(value, np.asarray(expected["value"]), rtol=1e-6)
    assert layer.get_config()["output_mode"] == expected["config_output_mode"]


def test_zero_d_numpy_string():
    layer = tkeras.layers.TextVectorization(vocabulary=["a", "b"], output_sequence_length=4)
    assert tuple(layer(np.array("a b")).shape) == (4,)
