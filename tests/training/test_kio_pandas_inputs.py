"""fit/evaluate/predict take pandas DataFrames and Series, alone or as the values of a dict of model
inputs (`model.fit(dict(dataframe), labels)`), as Keras does; a text column (as an object array) feeds
an `Input(dtype="string")` model. The numbers are checked against closed forms (all-ones weights)."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

pd = pytest.importorskip("pandas")

FRAME = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, 1.0, 1.5, 2.0]})
SUMS = (FRAME["a"] + FRAME["b"]).to_numpy()


def test_a_dataframe_and_a_series_as_x_and_y():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
    np.testing.assert_allclose(model.predict(FRAME, verbose=0).ravel(), SUMS)
    model.compile("sgd", "mse")
    loss = model.evaluate(FRAME, FRAME["a"], verbose=0)
    assert abs(loss - float(np.mean((SUMS - FRAME["a"].to_numpy()) ** 2))) < 1e-5


def test_a_dict_of_series_and_a_text_column():
    a, b = keras.Input(shape=(), name="a"), keras.Input(shape=(), name="b")
    model = keras.Model({"a": a, "b": b}, layers.Dense(1, kernel_initializer="ones")(keras.ops.stack([a, b], -1)))
    np.testing.assert_allclose(model.predict(dict(FRAME), verbose=0).ravel(), SUMS)
    colors = pd.DataFrame({"color": pd.Series(["red", "blue", "red"], dtype=object)})
    text = keras.Input(shape=(), dtype="string", name="color")
    lookup = keras.Model(text, layers.StringLookup(vocabulary=["red"])(text))
    np.testing.assert_array_equal(lookup.predict({"color": colors["color"].to_numpy()}, verbose=0), [1, 0, 1])
