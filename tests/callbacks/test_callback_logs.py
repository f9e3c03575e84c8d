"""Every hook gets a dict as `logs` (Keras 3): empty where nothing is logged yet, never None."""
import numpy as np
import pytest

import tkeras as keras

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


def _recording(hook):
    def record(self, *args):
        logs = args[-1]  # the loops pass logs positionally, last
        self.seen.setdefault(hook, []).append(sorted(logs.keys()))  # what a Keras 3 callback may do
    return record


class _KeysRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = {}


for _hook in _HOOKS:
    setattr(_KeysRecorder, _hook, _recording(_hook))


@pytest.fixture
def model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_every_hook_gets_a_dict_and_begin_hooks_an_empty_one(model):
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    recorder = _KeysRecorder()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, validation_data=(x, y), callbacks=[recorder])
    model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[recorder])
    model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])
    assert set(recorder.seen) == set(_HOOKS)
    for hook in ("on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_test_begin",
                 "on_test_batch_begin", "on_predict_begin", "on_predict_batch_begin", "on_predict_end"):
        assert all(keys == [] for keys in recorder.seen[hook]), hook
    assert recorder.seen["on_train_batch_begin"] == [[], []]
    assert recorder.seen["on_epoch_end"] == [["loss", "val_loss"]]
    assert recorder.seen["on_predict_batch_end"] == [["outputs"], ["outputs"]]


def test_a_callback_listing_logs_keys_at_train_begin(model):
    listed = []

    class ListKeys(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            listed.append(list(logs.keys()))

        def on_epoch_begin(self, epoch, logs=None):
            listed.append(list(logs.keys()))

    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0,
              callbacks=[ListKeys()])
    assert listed == [[], []]
