"""One target array for a model with several outputs that all have a loss: tf-keras 2 scores every output
against it (keras-io's semantic image clustering passes `y=labels` to a two-output model)."""
import numpy as np
import pytest

import tkeras as keras


def test_every_output_is_scored_against_the_one_target():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, [keras.layers.Dense(2, name="a")(inputs), keras.layers.Dense(2, name="b")(inputs)])
    model.compile("sgd", ["mse", "mae"])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)).astype("float32"), rng.standard_normal((8, 2)).astype("float32")
    a, b = model.predict(x, verbose=0)
    mse, mae = np.mean((a - y) ** 2), np.mean(np.abs(b - y))
    total, a_loss, b_loss = model.evaluate(x, y, batch_size=8, verbose=0)
    assert a_loss == pytest.approx(mse, rel=1e-5) and b_loss == pytest.approx(mae, rel=1e-5)
    assert total == pytest.approx(mse + mae, rel=1e-5)
    history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["a_loss", "b_loss", "loss"]
