"""keras.utils.FeatureSpace against tf-keras 2.21's on the same table (tests/fixtures/
feature_space_reference.json, made by tests/fixtures/make_feature_space_reference.py): adapt, the
concat and dict outputs, one unbatched sample, the symbolic inputs, and the errors."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.make_feature_space_reference import SAMPLE, build, columns
from tkeras.compat.tf_namespace.data import Dataset
from tkeras.utils import FeatureSpace

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "feature_space_reference.json")) as f:
    REFERENCE = json.load(f)


def adapted(mode):
    space = build(FeatureSpace, mode)
    space.adapt(Dataset.from_tensor_slices(columns()).batch(3))
    return space


def test_concat_matches_tf_keras():
    space = adapted("concat")
    batch = np.asarray(space(columns()))
    assert batch.dtype == np.float32 and batch.shape == (8, 19)
    np.testing.assert_allclose(batch, REFERENCE["concat"]["batch"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(space(SAMPLE)), REFERENCE["concat"]["sample"], rtol=1e-5, atol=1e-6)


def test_dict_matches_tf_keras():
    space = adapted("dict")
    batch = space(columns())
    assert sorted(batch) == sorted(REFERENCE["dict"]["batch"])
    for name, want in REFERENCE["dict"]["batch"].items():
        np.testing.assert_allclose(np.asarray(batch[name]), want, rtol=1e-6, err_msg=name)
    one = space(SAMPLE)
    for name, want in REFERENCE["dict"]["sample"].items():
        np.testing.assert_allclose(np.asarray(one[name]), want, rtol=1e-6, err_msg=name)


def test_adapt_from_a_dict_and_the_symbolic_model():
    space = build(FeatureSpace, "concat")
    space.adapt(columns())  # a dict of arrays works as well as a Dataset
    inputs = space.get_inputs()
    assert sorted(inputs) == ["age", "city", "rooms", "score", "zip"] and inputs["city"].dtype == "string"
    encoded = space.get_encoded_features()
    assert encoded.shape == (None, 19)
    model = keras.Model(inputs, encoded)
    table = {name: np.asarray(values).reshape(-1, 1) for name, values in columns().items()}
    np.testing.assert_allclose(model.predict(table, verbose=0), REFERENCE["concat"]["batch"], rtol=1e-5, atol=1e-6)


def test_errors_name_the_fix():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FeatureSpace(features={})
    with pytest.raises(ValueError, match="Invalid feature type: 'floaty' for feature 'x'"):
        FeatureSpace(features={"x": "floaty"})
    with pytest.raises(ValueError, match="Expected one of \\{'dict', 'concat'\\}"):
        FeatureSpace(features={"x": "float"}, output_mode="list")
    with pytest.raises(NotImplementedError, match="HashedCrossing"):
        FeatureSpace(features={"a": "string_categorical", "b": "string_categorical"}, crosses=[("a", "b")])
    unadapted = FeatureSpace(features={"city": "string_categorical"})
    with pytest.raises(ValueError, match="call `.adapt\\(dataset\\)`"):
        unadapted({"city": np.array(["a"])})
    plain = FeatureSpace(features={"n": FeatureSpace.integer_categorical(output_mode="int", name="n")},
                         output_mode="concat")
    with pytest.raises(ValueError, match="Cannot concatenate features because feature 'n' has not been encoded"):
        plain.adapt({"n": np.array([1, 2, 3])})
    with pytest.raises(ValueError, match="can only be called with a dict"):
        adapted("dict")(np.ones(3))


def test_config_round_trip_keeps_the_features():
    space = build(FeatureSpace, "dict")
    config = space.get_config()
    assert list(config) == ["features", "output_mode", "crosses", "crossing_dim", "hashing_dim",
                            "num_discretization_bins"]
    copy = FeatureSpace.from_config(json.loads(json.dumps(config)))
    assert {n: (type(f.preprocessor).__name__, f.output_mode, f.dtype) for n, f in copy.features.items()} == \
        {n: (type(f.preprocessor).__name__, f.output_mode, f.dtype) for n, f in space.features.items()}
