"""A one-output model given y as {output name: y} (tf-keras 2 accepts it; keras-io's FNet text generator
does it); other keys get an error naming the output."""
import numpy as np
import pytest

import tkeras as keras


def _model():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(inputs))
    model.compile("sgd", "mse", metrics=["mae"])
    return model


def test_dict_targets_keyed_by_the_output_name():
    x, y = np.ones((8, 3), "float32"), np.arange(16, dtype="float32").reshape(8, 2)
    by_dict, by_array = _model(), _model()
    by_array.set_weights(by_dict.get_weights())
    assert by_dict.evaluate(x, {"head": y}, verbose=0) == by_array.evaluate(x, y, verbose=0)
    by_dict.fit(x, {"head": y}, epochs=1, verbose=0)
    by_array.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(by_dict.get_weights(), by_array.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"one output, 'head', but y is a dict with keys \['other'\]"):
        by_dict.fit(x, {"other": y}, epochs=1, verbose=0)
