"""A Sequential model whose first layer takes a dict of features (tf-keras 2's DenseFeatures, or a user's
own layer over a dataset of columns) is built by its first call, layer by layer, as Keras 2's deferred
Sequential was: the dict has no one shape to push through the stack beforehand."""
import numpy as np

import tkeras as keras


class Columns(keras.layers.Layer):
    def call(self, features):
        return keras.ops.stack([keras.ops.cast(features["age"], "float32") / 100.0,
                                keras.ops.cast(features["chol"], "float32")], axis=1)


def test_sequential_trains_and_predicts_on_a_dict_of_columns():
    rng = np.random.default_rng(0)
    features = {"age": rng.integers(20, 80, 32), "chol": rng.random(32), "name": np.array(["x"] * 32)}
    target = (features["age"] > 50).astype("float32")
    model = keras.Sequential([Columns(), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(features, target, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    dense = model.layers[1]
    assert dense.kernel.shape == (2, 3)  # built from the first layer's real output
    first = {k: v[:4] for k, v in features.items()}
    expected = model.layers[2](dense(Columns()(first)))
    np.testing.assert_allclose(model.predict(first, verbose=0), np.asarray(expected), rtol=1e-6)
