"""keras.dtype_policies against real Keras 3.15.1 (tests/fixtures/quantization_reference.json).

Each identifier Keras' `dtype_policies.get` takes must give the same class, name, dtypes,
quantization mode, repr and serialized config; the refused ones must be refused.
"""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import dtype_policies, layers, mixed_precision
from tkeras.saving import deserialize_keras_object, serialize_keras_object

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "quantization_reference.json")
with open(FIXTURE) as handle:
    REFERENCE = json.load(handle)["dtype_policies"]


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("identifier", sorted(REFERENCE["policies"]))
def test_policy_from_a_name_matches_keras(identifier):
    expected = REFERENCE["policies"][identifier]
    policy = dtype_policies.get(identifier)
    assert type(policy).__name__ == expected["class_name"]
    assert (policy.name, policy.compute_dtype, policy.variable_dtype, policy.quantization_mode) == (
        expected["name"], expected["compute_dtype"], expected["variable_dtype"], expected["quantization_mode"])
    assert repr(policy) == expected["repr"]
    assert serialize_keras_object(policy) == expected["serialized"]
    assert dtype_policies.serialize(policy) == expected["serialized"]


@pytest.mark.parametrize("identifier", sorted(REFERENCE["policies"]))
def test_keras_config_of_a_policy_comes_back_through_every_route(identifier):
    config = REFERENCE["policies"][identifier]["serialized"]
    policy = dtype_policies.get(identifier)
    for restored in (dtype_policies.deserialize(config), dtype_policies.get(config), deserialize_keras_object(config),
                     type(policy).from_config(config["config"])):
        assert type(restored) is type(policy) and restored == policy
        assert restored.get_config() == config["config"]


@pytest.mark.parametrize("identifier", sorted(REFERENCE["refused"]))
def test_names_keras_refuses_are_refused_with_the_reason(identifier):
    with pytest.raises((ValueError, TypeError)) as error:
        dtype_policies.get(identifier)
    assert type(error.value).__name__ == REFERENCE["refused"][identifier]
    assert identifier.split("_from_")[0] in str(error.value)  # names what it could not read


def test_float_policy_classes_are_one_family():
    assert keras.DTypePolicy is dtype_policies.DTypePolicy is mixed_precision.Policy
    assert keras.FloatDTypePolicy is dtype_policies.FloatDTypePolicy
    assert dtype_policies.FloatDTypePolicy("mixed_float16") == dtype_policies.DTypePolicy("mixed_float16")
    assert repr(dtype_policies.FloatDTypePolicy("float32")) == '<DTypePolicy "float32">'
    assert dtype_policies.DTypePolicy("float32") != dtype_policies.QuantizedDTypePolicy("int8", "float32")
    assert dtype_policies.DTypePolicy(np.float64).name == "float64"


def test_none_means_the_global_policy():
    mixed_precision.set_global_policy("mixed_bfloat16")
    assert dtype_policies.DTypePolicy().name == "mixed_bfloat16"
    assert dtype_policies.get(None) is mixed_precision.global_policy()
    assert dtype_policies.QuantizedDTypePolicy("int8").name == "int8_from_mixed_bfloat16"


def test_a_layers_policy_is_a_keras_dtype_policy():
    dense = layers.Dense(2, dtype="mixed_bfloat16")
    assert type(dense.dtype_policy) is dtype_policies.DTypePolicy
    assert repr(dense.dtype_policy) == '<DTypePolicy "mixed_bfloat16">'
    quantized = layers.Dense(2, dtype=REFERENCE["policies"]["int8_from_float32"]["serialized"])
    assert isinstance(quantized.dtype_policy, dtype_policies.QuantizedDTypePolicy)
    assert quantized.compute_dtype == "float32"


def test_policy_map_looks_paths_up_as_keras_does():
    policy_map = dtype_policies.DTypePolicyMap(default_policy="bfloat16")
    policy_map["encoder/layer_0/dense"] = "float16"
    policy_map["encoder/.*"] = "int8_from_float32"
    for path, name in REFERENCE["map_lookups"].items():
        assert policy_map[path].name == name
    assert policy_map.name == REFERENCE["map_name"]
    assert serialize_keras_object(policy_map) == REFERENCE["map_serialized"]
    restored = dtype_policies.deserialize(REFERENCE["map_serialized"])
    assert restored == policy_map and len(restored) == 2
    policy_map["encoder/attention/.*"] = "float32"
    with pytest.raises(ValueError, match="encoder/attention/query.*several keys"):
        policy_map["encoder/attention/query"]
    with pytest.raises(ValueError, match="already holds"):
        policy_map["encoder/.*"] = "float32"
    with pytest.raises(ValueError, match="not a dtype policy"):
        policy_map["x"] = "mixed_float8"


def test_convert_input_casts_floats_only():
    policy = dtype_policies.DTypePolicy("mixed_bfloat16")
    floats = torch.ones(2, dtype=torch.float32)
    assert policy.convert_input(floats, autocast=True, dtype=policy.compute_dtype).dtype == torch.bfloat16
    assert policy.convert_input(floats, autocast=False, dtype="bfloat16").dtype == torch.float32
    ints = torch.ones(2, dtype=torch.int32)
    assert policy.convert_input(ints, autocast=True, dtype="bfloat16").dtype == torch.int32
    assert policy.convert_input(np.ones(2, "float64"), autocast=True, dtype="float32").dtype == torch.float32


def test_global_quantized_policy_and_layer_config():
    dense = layers.Dense(3, dtype="gptq/4/128_from_float32")
    assert dense.dtype_policy == dtype_policies.GPTQDTypePolicy("gptq/4/128", "float32")
    assert (dense.dtype_policy.weight_bits, dense.dtype_policy.group_size) == (4, 128)


def test_a_policy_config_without_class_or_name_is_refused():
    with pytest.raises(ValueError, match="needs a 'class_name'.*or a 'name'"):
        layers.Dense(2, dtype={"config": {"units": 3}})
    assert layers.Dense(2, dtype={"name": "mixed_bfloat16"}).compute_dtype == "bfloat16"  # tf.keras 2's spelling
    assert layers.Dense(2, dtype={"config": {"name": "float64"}}).compute_dtype == "float64"
