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


def _crossing_table():
    return {name: values for name, values in columns().items() if name in ("city", "zip", "rooms")}


def test_crosses_match_tf_keras():
    space = build(FeatureSpace, "crosses")
    space.adapt(Dataset.from_tensor_slices(_crossing_table()).batch(3))
    assert sorted(space.crossers) == ["city_X_zip", "rooms_X_city_X_zip"]
    assert type(space.crossers["city_X_zip"]) is keras.layers.HashedCrossing
    batch = space(_crossing_table())
    assert list(batch) == ["city", "rooms", "zip", "city_X_zip", "rooms_X_city_X_zip"]  # features, then crosses
    for name, want in REFERENCE["crosses"]["batch"].items():
        np.testing.assert_array_equal(np.asarray(batch[name]), want, err_msg=name)
    one = space({name: value for name, value in SAMPLE.items() if name in space.features})
    for name, want in REFERENCE["crosses"]["sample"].items():
        np.testing.assert_array_equal(np.asarray(one[name]), want, err_msg=name)
    configs = space.get_config()["crosses"]
    assert [c["config"] for c in json.loads(json.dumps(configs))] == [c["config"] for c in REFERENCE["crosses_config"]]
    copy = FeatureSpace.from_config(json.loads(json.dumps(space.get_config())))
    assert [(c.name, c.crossing_dim, c.output_mode) for c in copy.crosses] == [
        ("city_X_zip", 6, "one_hot"), ("rooms_X_city_X_zip", 7, "int")]
    inputs = space.get_inputs()
    encoded = space.get_encoded_features()
    assert tuple(encoded["city_X_zip"].shape) == (None, 6) and sorted(inputs) == ["city", "rooms", "zip"]


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
    with pytest.raises(ValueError, match=r"should be present in the `features` dict. Received unknown features \['c'\]"):
        FeatureSpace(features={"a": "string_categorical", "b": "string_categorical"}, crosses=[("a", "c")])
    with pytest.raises(ValueError, match="`crossing_dim` .* should be specified"):
        FeatureSpace(features={"a": "string_categorical", "b": "string_categorical"}, crosses=[("a", "b")],
                     crossing_dim=None)
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
