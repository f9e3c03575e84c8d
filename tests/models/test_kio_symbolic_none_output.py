"""A layer whose call() returns None gives None back when called on Keras tensors, as Keras 3 does
(the keras-io migration guide calls one on a nested dict of Inputs); tkeras used to fail while
inferring the output shape."""
import pytest

import tkeras as keras


class _ReturnsNothing(keras.layers.Layer):
    def call(self, inputs):
        return None


@pytest.mark.parametrize("make_inputs", [
    lambda: keras.Input((3,)),
    lambda: [keras.Input((1,)), keras.Input((2,))],
    lambda: {"foo": keras.Input((1,)), "bar": {"baz": keras.Input((1,))}},
], ids=["tensor", "list", "nested_dict"])
def test_symbolic_call_returning_none_gives_none(make_inputs):
    assert _ReturnsNothing()(make_inputs()) is None
