"""`adapt()` on a pandas DataFrame or Series reads its values as one batch, as tf-keras 2 does.

Hands-On ML's California-housing models adapt a `Normalization` layer to the training features; with
`fetch_california_housing(as_frame=True)` (or `pd.read_csv`) those are a DataFrame. tkeras iterated
the frame, which yields its column names, and refused them as non-numeric data.
"""
import numpy as np
import pytest

import tkeras as keras

pd = pytest.importorskip("pandas")


def _frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.normal(size=(64, 3)) * [1.0, 2.0, 5.0] + [0.0, 1.0, -3.0], columns=["a", "b", "c"])


def test_normalization_adapts_to_a_dataframe_per_column():
    frame = _frame()
    layer = keras.layers.Normalization()
    layer.adapt(frame)
    values = frame.to_numpy()
    np.testing.assert_allclose(np.asarray(layer.mean).ravel(), values.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layer.variance).ravel(), values.var(axis=0), rtol=1e-5)
    out = np.asarray(layer(values.astype("float32")))
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-5)


def test_normalization_adapts_to_an_integer_dataframe_and_a_series():
    frame = _frame().astype("int64")
    layer = keras.layers.Normalization()
    layer.adapt(frame)
    np.testing.assert_allclose(np.asarray(layer.mean).ravel(), frame.to_numpy().mean(axis=0), rtol=1e-5)
    series_layer = keras.layers.Normalization(axis=None)
    series_layer.adapt(_frame()["c"])
    np.testing.assert_allclose(np.asarray(series_layer.mean).ravel(), [_frame()["c"].mean()], rtol=1e-5)


def test_string_lookup_adapts_to_a_series():
    layer = keras.layers.StringLookup()
    layer.adapt(pd.Series(["a", "b", "a", "c", "a"]))
    assert [str(t) for t in layer.get_vocabulary()] == ["[UNK]", "a", "c", "b"]
