"""`fit(series, series, validation_split=0.2)` (the regression tutorial's horsepower model) and a dict of
Series (`dict(dataframe)`) cut the validation rows from the end, as with NumPy arrays.

A zero learning rate keeps the all-ones weights fixed, so `val_loss` is a closed form over the last rows.
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers

pd = pytest.importorskip("pandas")

FRAME = pd.DataFrame({"hp": np.arange(10, dtype="float64"), "w": np.linspace(0.0, 1.0, 10),
                      "mpg": np.linspace(5.0, 14.0, 10) ** 1.5})


def _mae_of_last_rows(predictions, labels, fraction):
    split = int(np.floor(len(labels) * (1.0 - fraction)))
    return float(np.mean(np.abs(predictions[split:] - labels[split:])))


def test_series_with_validation_split():
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mean_absolute_error")
    history = model.fit(FRAME["hp"], FRAME["mpg"], epochs=1, verbose=0, validation_split=0.2)
    expected = _mae_of_last_rows(FRAME["hp"].to_numpy(), FRAME["mpg"].to_numpy(), 0.2)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-5)


def test_dict_of_series_with_validation_split():
    hp, w = keras.Input(shape=(1,), name="hp"), keras.Input(shape=(1,), name="w")
    merged = layers.Concatenate()([hp, w])
    model = keras.Model({"hp": hp, "w": w}, layers.Dense(1, kernel_initializer="ones")(merged))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mean_absolute_error")
    features = {"hp": FRAME["hp"], "w": FRAME["w"]}
    history = model.fit(features, FRAME["mpg"], epochs=1, verbose=0, validation_split=0.3)
    sums = (FRAME["hp"] + FRAME["w"]).to_numpy()
    expected = _mae_of_last_rows(sums, FRAME["mpg"].to_numpy(), 0.3)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-5)
