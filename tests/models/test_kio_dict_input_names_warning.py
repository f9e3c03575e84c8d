"""`Model(inputs=dict)` warns, as Keras 3 does, when a key differs from the name of the Input it maps
to (the keras-io migration guide keys `Input(name="bar")` as "baz"); matching keys stay silent."""
import warnings

import pytest

import tkeras as keras


def test_key_differing_from_input_name_warns():
    inputs = {"foo": keras.Input((1,), name="foo"), "baz": keras.Input((1,), name="bar")}
    with pytest.warns(UserWarning, match="'baz'.*'bar'"):
        keras.Model(inputs, inputs["foo"] + inputs["baz"])


def test_keys_matching_input_names_do_not_warn():
    inputs = {"foo": keras.Input((1,), name="foo"), "bar": keras.Input((1,), name="bar")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.Model(inputs, inputs["foo"] + inputs["bar"])
