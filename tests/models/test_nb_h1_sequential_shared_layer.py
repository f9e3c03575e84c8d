"""One layer instance used at several positions of a Sequential model (Hands-On ML 3, chapter 12).

`Sequential([dense, block1, block1, block1, block1, ResidualBlock(2, 30), Dense(1)])` shares one
block's weights across four positions; Keras accepts it (only *distinct* layers need distinct names).
"""
import numpy as np
import pytest

import tkeras as keras


def _shared_model():
    shared = keras.layers.Dense(3, activation="tanh", name="shared")
    model = keras.Sequential([keras.Input((3,)), shared, shared, shared, keras.layers.Dense(1, name="head")])
    return model, shared


def test_same_layer_applied_at_each_position_with_one_set_of_weights():
    model, shared = _shared_model()
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    kernel, bias = (w.numpy() for w in shared.weights)
    head_kernel, head_bias = (w.numpy() for w in model.layers[-1].weights)
    h = x
    for _ in range(3):
        h = np.tanh(h @ kernel + bias)
    np.testing.assert_allclose(model.predict(x, verbose=0), h @ head_kernel + head_bias, rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in model.layers] == ["shared", "shared", "shared", "head"]
    assert len(model.trainable_weights) == 4
    assert model.count_params() == (3 * 3 + 3) + (3 + 1)


def test_shared_layer_model_trains_and_round_trips(tmp_path):
    model, _ = _shared_model()
    model.compile(loss="mse", optimizer="sgd")
    x = np.random.default_rng(2).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    path = str(tmp_path / "shared.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.layers[0] is loaded.layers[1] is loaded.layers[2]
    assert loaded.count_params() == model.count_params()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_distinct_layers_with_one_name_are_still_rejected():
    with pytest.raises(ValueError, match="unique names"):
        keras.Sequential([keras.layers.Dense(2, name="twin"), keras.layers.Dense(2, name="twin")])
