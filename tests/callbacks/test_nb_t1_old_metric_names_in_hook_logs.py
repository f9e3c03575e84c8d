"""A Keras 2.0 custom callback reads `logs.get('acc')` / `logs.get('val_acc')` (김태영's Keras blog,
"Training_Monitoring": a CustomHistory that plots train/val accuracy). Keras 2.0 logged
`metrics=['accuracy']` as 'acc'; the hooks' logs must answer that name with the 'accuracy' that is logged
now, keep their keys as logged, and still pass what a hook adds on to the next callback and History."""
import numpy as np

import tkeras as keras


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > 0).astype("int64"), 2)
    return x, y


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


class CustomHistory(keras.callbacks.Callback):
    def init(self):
        self.train_acc, self.val_acc, self.batch_acc, self.keys = [], [], [], []

    def on_batch_end(self, batch, logs={}):
        self.batch_acc.append(logs.get("acc"))

    def on_epoch_end(self, epoch, logs={}):
        self.train_acc.append(logs.get("acc"))
        self.val_acc.append(logs["val_acc"])
        self.keys.append(sorted(logs))


def test_keras20_callback_reads_acc_and_val_acc():
    x, y = _data()
    custom = CustomHistory()
    custom.init()
    history = _model().fit(x, y, epochs=2, batch_size=10, validation_data=(x, y), callbacks=[custom], verbose=0)
    assert custom.train_acc == history.history["accuracy"]
    assert custom.val_acc == history.history["val_accuracy"]
    assert len(custom.batch_acc) == 6 and all(isinstance(a, float) for a in custom.batch_acc)
    # The keys stay as logged (what Keras 3 code iterates over).
    assert custom.keys[0] == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_names_no_metric_answers_stay_missing():
    seen = {}

    class Reader(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen["mae"] = logs.get("mae", "absent")
            try:
                logs["val_mae"]
            except KeyError as error:
                seen["error"] = error.args[0]

    x, y = _data()
    _model().fit(x, y, epochs=1, callbacks=[Reader()], verbose=0)
    assert seen == {"mae": "absent", "error": "val_mae"}


def test_what_a_hook_adds_or_removes_reaches_history():
    class AddsAndDrops(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["lr"] = 0.5 + epoch
            del logs["loss"]

    x, y = _data()
    history = _model().fit(x, y, epochs=2, callbacks=[AddsAndDrops()], verbose=0)
    assert sorted(history.history) == ["accuracy", "lr"]
    assert history.history["lr"] == [0.5, 1.5]


def test_a_hook_may_put_arrays_into_the_logs():
    class PutsArray(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["loss"] = np.array([1.0, 2.0])

    x, y = _data()
    history = _model().fit(x, y, epochs=2, callbacks=[PutsArray()], verbose=0)
    assert [list(v) for v in history.history["loss"]] == [[1.0, 2.0], [1.0, 2.0]]
