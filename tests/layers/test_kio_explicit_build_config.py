"""A layer built by an explicit `layer.build(...)` call (never called on data) reports that build in
`get_build_config()` as Keras 3 does, so a saved model builds it again, weights included, on load. The
configs were recorded from Keras 3 by tests/fixtures/make_kio_explicit_build_config_reference.py."""
import json
import os

import numpy as np

import tkeras

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_explicit_build_config_reference.json")


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _as_json(value):
    return json.loads(json.dumps(value))


class _TwoArgumentBuild(tkeras.layers.Layer):
    def build(self, input_shape, layer_init):
        self.w = self.add_weight(shape=(input_shape[-1], 2), initializer=layer_init)
        self.layer_init = layer_init

    def call(self, x):
        return tkeras.ops.matmul(x, self.w)


def test_build_configs_match_keras():
    dense = tkeras.layers.Dense(3)
    dense.build((None, 5))
    two = _TwoArgumentBuild()
    two.build(input_shape=(6,), layer_init="ones")
    reference = _reference()
    assert _as_json(dense.get_build_config()) == reference["dense"]
    assert _as_json(two.get_build_config()) == reference["two_arguments"]


def test_hand_built_layer_is_rebuilt_from_its_config():
    two = _TwoArgumentBuild()
    two.build(input_shape=(6,), layer_init="ones")
    fresh = _TwoArgumentBuild()
    fresh.build_from_config(_as_json(two.get_build_config()))
    assert fresh.built and fresh.layer_init == "ones"
    np.testing.assert_array_equal(tkeras.ops.convert_to_numpy(fresh.w), np.ones((6, 2), "float32"))
