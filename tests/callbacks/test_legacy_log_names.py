"""Keras <= 2.2 / tf.keras 1.x metric names in History and the monitoring callbacks.

Those versions logged `metrics=['mae']` under the function's name ('mean_absolute_error',
'val_mean_absolute_error') and `metrics=['accuracy']` as 'acc'; Keras 2.3+ and Keras 3 log the name
given to compile. The logs keep the modern keys; the old names answer the same lists.
"""
import numpy as np
import pytest

import tkeras as keras
from tkeras.callbacks.history import HistoryDict
from tkeras.callbacks.log_names import find_logged, other_spellings


def _regression_fit(metrics, **fit_kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=metrics)
    return model, model.fit(x, y, epochs=2, batch_size=10, validation_split=0.25, verbose=0, **fit_kwargs)


def test_keras22_long_names_answer_the_short_keys_that_were_logged():
    _, history = _regression_fit(["mae", "mse", "mape", "msle", "cosine"])
    logged = history.history
    assert sorted(logged) == ["cosine", "loss", "mae", "mape", "mse", "msle",
                              "val_cosine", "val_loss", "val_mae", "val_mape", "val_mse", "val_msle"]
    for short, long_name in [("mae", "mean_absolute_error"), ("mse", "mean_squared_error"),
                             ("mape", "mean_absolute_percentage_error"),
                             ("msle", "mean_squared_logarithmic_error"), ("cosine", "cosine_proximity")]:
        assert logged[long_name] is logged[short]
        assert logged["val_" + long_name] is logged["val_" + short]
        assert logged.get("val_" + long_name) is logged["val_" + short]
    assert "val_mean_absolute_error" not in logged  # membership and keys stay as logged (Keras 3 code)


def test_accuracy_is_also_acc_as_keras_22_logged_it():
    history = HistoryDict({"accuracy": [0.5], "val_accuracy": [0.6], "out_accuracy": [0.7]})
    assert history["acc"] == [0.5] and history["val_acc"] == [0.6] and history["out_acc"] == [0.7]
    assert HistoryDict({"acc": [0.1]})["accuracy"] == [0.1]


def test_learning_rate_is_also_lr_as_keras_2_callbacks_logged_it():
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    _, history = _regression_fit(["mae"], callbacks=[schedule])
    assert history.history["lr"] is history.history["learning_rate"]
    assert history.history["lr"] == pytest.approx([0.1, 0.05])


def test_a_name_nothing_was_logged_under_lists_the_keys():
    # metrics=[binary_accuracy] logs 'binary_accuracy' in every Keras version; 'acc' fails there too.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 2)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=[keras.metrics.binary_accuracy])
    history = model.fit(x, y, epochs=1, verbose=0).history
    assert sorted(history) == ["binary_accuracy", "loss"]
    with pytest.raises(KeyError) as error:
        history["acc"]
    assert str(error.value).startswith("'acc': no metric was logged under this name. "
                                       "The history has ['binary_accuracy', 'loss']")
    assert history.get("acc") is None and history.get("acc", 0) == 0


def test_other_spellings_keep_whole_metric_names_apart():
    assert other_spellings("val_dense_1_mae") == ["val_dense_1_mean_absolute_error"]
    assert other_spellings("binary_accuracy") == [] and other_spellings("val_sparse_categorical_accuracy") == []
    assert other_spellings("loss") == []
    assert find_logged({"val_mae": 1}, "val_mean_absolute_error") == "val_mae"
    assert find_logged({"val_mae": 1}, "val_mean_squared_error") is None


def test_callbacks_monitor_and_name_files_by_the_old_names(tmp_path):
    stopper = keras.callbacks.EarlyStopping(monitor="val_mean_absolute_error", patience=0, min_delta=1e9)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "w-{epoch:02d}-{val_mean_absolute_error:.3f}.weights.h5"),
        monitor="val_mean_absolute_error", save_best_only=True, save_weights_only=True)
    with _no_warning():
        _, history = _regression_fit(["mae"], callbacks=[stopper, checkpoint])
    # min_delta larger than any change: the second epoch is no improvement, so training stops there.
    assert len(history.history["loss"]) == 2 and stopper.stopped_epoch == 1
    val_mae = history.history["val_mae"]
    assert val_mae[1] < val_mae[0]  # so the checkpoint (no min_delta) saved both epochs
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"w-0{i + 1}-{v:.3f}.weights.h5" for i, v in enumerate(val_mae)]


class _no_warning:
    """Fail on any warning (a monitor that is not found only warns)."""

    def __enter__(self):
        import warnings
        self._catcher = warnings.catch_warnings()
        self._catcher.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        self._catcher.__exit__(*exc)
        return False
