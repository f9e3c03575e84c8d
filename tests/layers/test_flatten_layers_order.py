"""`layer._flatten_layers(include_self, recursive)` in Keras' order (keras-io's float8 recipe walks it with
`recursive=True`); expected lists printed by Keras 3.15.1 (JAX backend) for the same models."""
import pytest

import tkeras as keras


@pytest.mark.parametrize("kwargs, expected", [
    ({}, ["outer", "inner", "b", "a", "c"]),
    ({"recursive": False}, ["outer", "inner", "c"]),
    ({"include_self": False}, ["inner", "b", "a", "c"]),
    ({"include_self": False, "recursive": False}, ["inner", "c"]),
])
def test_flatten_layers_order(kwargs, expected):
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="a"), keras.layers.Dense(3, name="b")],
                             name="inner")
    outer = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(1, name="c")], name="outer")
    names = [layer.name for layer in outer._flatten_layers(**kwargs) if not layer.name.startswith("input")]
    assert names == expected
