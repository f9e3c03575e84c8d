"""KerasTuner searches on tkeras, as DLwP 2/3 (ch13/18), Hands-On ML 3 (ch10) and tensorflow.org's
keras_tuner tutorial run them.

KerasTuner is no tkeras dependency (CI has none): the module skips without it. It is skipped only when
the package is absent, not when importing it fails, since a failing import on tkeras is the bug these
tests guard against.
"""
import importlib
import importlib.util
import math

import numpy as np
import pytest

import tkeras

if importlib.util.find_spec("keras_tuner") is None:
    pytest.skip("keras_tuner is not installed", allow_module_level=True)


@pytest.fixture
def kt():
    from tkeras import compat
    compat.install()
    yield importlib.import_module("keras_tuner")
    compat.uninstall()


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    return x, y


def _build_model(hp):
    model = tkeras.Sequential([
        tkeras.layers.Dense(hp.Int("units", min_value=4, max_value=16, step=4), activation="relu"),
        tkeras.layers.Dense(2, activation="softmax"),
    ])
    optimizer = hp.Choice("optimizer", values=["rmsprop", "adam"])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _completed(tuner):
    return [trial.status for trial in tuner.oracle.trials.values()] == ["COMPLETED"] * len(tuner.oracle.trials)


def test_keras_tuner_sees_keras_3(kt):
    from keras_tuner.src.backend import config, keras as kt_keras, ops as kt_ops
    assert config.multi_backend()
    assert kt_keras.layers.Dense is tkeras.layers.Dense and kt_keras.callbacks.Callback is tkeras.callbacks.Callback
    assert kt_ops.cast is tkeras.ops.cast


def test_random_search_best_model_reproduces_its_score(kt, tmp_path):
    x, y = _data()
    x_val, y_val = _data(32, seed=1)
    tuner = kt.RandomSearch(_build_model, objective="val_loss", max_trials=2, seed=42,
                            directory=str(tmp_path), project_name="rnd")
    tuner.search(x, y, epochs=1, validation_data=(x_val, y_val), verbose=0)
    assert len(tuner.oracle.trials) == 2 and _completed(tuner)
    best_hp = tuner.get_best_hyperparameters(num_trials=1)[0]
    best_trial = tuner.oracle.get_best_trials(num_trials=1)[0]
    assert best_hp.values == best_trial.hyperparameters.values
    best_model = tuner.get_best_models(num_models=1)[0]
    assert best_model.layers[0].units == best_hp.get("units")
    # the restored checkpoint is the trial's model: it scores what the trial recorded
    val_loss = best_model.evaluate(x_val, y_val, verbose=0)[0]
    assert math.isclose(val_loss, best_trial.score, rel_tol=1e-5)


def test_search_runs_the_users_early_stopping(kt, tmp_path):
    epochs_run = []  # the tuner fits with deep copies of the callbacks: the list is shared through the class

    class CountEpochs(tkeras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            epochs_run.append(epoch)

    CountEpochs.epochs_run = epochs_run
    x, y = _data()
    # a loss never improves by 1e9: the second epoch stops training (patience=1)
    stop = tkeras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=1e9)
    tuner = kt.RandomSearch(_build_model, objective="val_accuracy", max_trials=1, seed=1,
                            directory=str(tmp_path), project_name="stop")
    tuner.search(x, y, epochs=5, validation_split=0.25, callbacks=[stop, CountEpochs()], verbose=0)
    trial = next(iter(tuner.oracle.trials.values()))
    assert trial.status == "COMPLETED"
    assert epochs_run == [0, 1]


def test_hypermodel_subclass_with_its_own_fit(kt, tmp_path):
    class NormalizingHyperModel(kt.HyperModel):
        def build(self, hp):
            return _build_model(hp)

        def fit(self, hp, model, x, y, **kwargs):
            if hp.Boolean("normalize"):
                norm_layer = tkeras.layers.Normalization()
                norm_layer.adapt(x)
                x = norm_layer(x)
            return model.fit(x, y, **kwargs)

    x, y = _data()
    fixed = kt.HyperParameters()
    fixed.Fixed("normalize", True)
    tuner = kt.BayesianOptimization(NormalizingHyperModel(), objective="val_accuracy", max_trials=2, seed=3,
                                    hyperparameters=fixed, directory=str(tmp_path), project_name="bo")
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert len(tuner.oracle.trials) == 2 and _completed(tuner)
    assert tuner.get_best_hyperparameters()[0].get("normalize") is True


def test_hyperband_with_a_function_and_early_stopping(kt, tmp_path):
    x, y = _data()
    tuner = kt.Hyperband(_build_model, objective="val_accuracy", max_epochs=2, factor=3, seed=0,
                         directory=str(tmp_path), project_name="hb")
    tuner.search(x, y, epochs=50, validation_split=0.25, verbose=0,
                 callbacks=[tkeras.callbacks.EarlyStopping(monitor="val_loss", patience=5)])
    assert len(tuner.oracle.trials) == 2 and _completed(tuner)
    model = tuner.hypermodel.build(tuner.get_best_hyperparameters(num_trials=1)[0])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert len(history.history["val_accuracy"]) == 2
