"""`fit([a, b])`: a custom train_step receives x as a tuple, as from Keras 3 (TensorFlow backend) and
tf-keras 2, whose batches pass through tf.data (keras-io's graph WGAN tests `isinstance(data[0], tuple)`
and otherwise hands a one-element wrapper to tf.shape). Reference: kio_fit_list_inputs_reference.json,
recorded by make_kio_fit_list_inputs_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "kio_fit_list_inputs_reference.json")))


SEEN = {}  # module level: a dict held by a model attribute would be its tracked copy


class Recorder(keras.Model):
    def __init__(self, key):
        super().__init__()
        self.key = key
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x[0])

    def train_step(self, data):
        SEEN[self.key] = {"data": type(data).__name__, "len": len(data),
                          "parts": [type(part).__name__ for part in data]}
        return {"seen": 0.0}


@pytest.mark.parametrize("library", ["keras3", "tf_keras2"])
def test_lists_in_the_data_reach_train_step_as_tuples(library):
    a, b = np.zeros((4, 3), "float32"), np.zeros((4, 5), "float32")
    SEEN.clear()
    for key, args in [("x_list", ([a, b],)), ("x_list_y_list", ([a, b], [np.zeros(4), np.zeros(4)]))]:
        model = Recorder(key)
        model.compile(optimizer="sgd")
        model.fit(*args, epochs=1, batch_size=4, verbose=0)
    assert SEEN == REFERENCE[library]


def test_a_functional_model_with_two_inputs_still_trains_on_a_list():
    inputs = [keras.Input((3,)), keras.Input((2,))]
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Concatenate()(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit([np.ones((6, 3), "float32"), np.ones((6, 2), "float32")], np.zeros((6, 1), "float32"),
                        batch_size=3, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.predict([np.ones((2, 3), "float32"), np.ones((2, 2), "float32")], verbose=0).shape == (2, 1)
