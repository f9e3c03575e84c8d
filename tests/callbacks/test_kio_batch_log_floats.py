"""Batch hooks read Python floats, as on every Keras 3 backend (keras-io
guides/training_with_built_in_methods.py: a LossHistory callback appending `logs.get("loss")`)."""
import numpy as np

import tkeras as keras


class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.train, self.test = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.train.append(dict(logs))

    def on_test_batch_end(self, batch, logs=None):
        self.test.append({"loss": logs.get("loss"), "mae": logs["mae"]})


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")


def test_built_in_steps_hand_floats_to_batch_hooks():
    x, y = _data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[recorder], validation_data=(x, y))
    values = [v for logs in recorder.train + recorder.test for v in logs.values()]
    assert len(recorder.train) == 2 and len(recorder.test) == 2
    assert all(type(v) is float for v in values)


def test_a_custom_train_step_dict_reaches_hooks_as_floats():
    class Custom(keras.Model):
        def train_step(self, data):
            x, y = data
            return {"loss": keras.ops.mean(keras.ops.square(self(x) - y)), "mae": keras.ops.convert_to_tensor(0.5)}

    x, y = _data()
    inputs = keras.Input((3,))
    model = Custom(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[recorder])
    assert [type(v) for v in recorder.train[0].values()] == [float, float]
    assert recorder.train[0]["mae"] == 0.5
