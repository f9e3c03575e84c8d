"""`metrics=` given as a flat list with one entry per output, the entries repeating a name.

Hands-On ML 3 (ch. 10, wide & deep with an auxiliary output) compiles a two-output model with
`metrics=["RootMeanSquaredError", "RootMeanSquaredError"]`. Keras 3 gives each output one of the
entries (logs `<out>_RootMeanSquaredError` once per output); tf-keras 2 refused the list, since
applying both entries to every output logs one name twice. Distinct entries (`["mae", "mse"]`)
keep tf-keras 2's meaning: every entry on every output.
"""
import numpy as np

import tkeras as keras


def _two_output_model():
    inputs = keras.Input(shape=(5,))
    hidden = keras.layers.Dense(4, name="hidden")(inputs)
    main = keras.layers.Dense(1, name="main")(hidden)
    aux = keras.layers.Dense(1, name="aux")(hidden)
    return keras.Model(inputs, [main, aux])


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(16, 5)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")


def test_repeated_entries_go_one_to_each_output():
    keras.utils.set_random_seed(0)
    model = _two_output_model()
    model.compile(optimizer="sgd", loss=("mse", "mse"), loss_weights=(0.9, 0.1),
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    x, y = _data()
    history = model.fit(x, (y, y), epochs=1, batch_size=16, verbose=0)
    # The keys Keras 3.15.1 logs for this compile call (recorded by hand from its fit).
    assert sorted(history.history) == ["aux_RootMeanSquaredError", "aux_loss", "loss",
                                       "main_RootMeanSquaredError", "main_loss"]
    logs = model.evaluate(x, (y, y), verbose=0, return_dict=True)
    assert len(logs) == 5
    main_pred, aux_pred = model.predict(x, verbose=0)
    for name, pred in (("main", main_pred), ("aux", aux_pred)):
        rmse = np.sqrt(np.mean((pred - y) ** 2))
        np.testing.assert_allclose(logs[f"{name}_RootMeanSquaredError"], rmse, rtol=1e-5)
        np.testing.assert_allclose(logs[f"{name}_loss"], rmse ** 2, rtol=1e-5)


def test_repeated_metric_objects_go_one_to_each_output():
    model = _two_output_model()
    model.compile(optimizer="sgd", loss="mse",
                  metrics=[keras.metrics.MeanAbsoluteError(), keras.metrics.MeanAbsoluteError()])
    x, y = _data()
    logs = model.evaluate(x, (y, y), verbose=0, return_dict=True)
    assert sorted(logs) == ["aux_loss", "aux_mean_absolute_error", "loss", "main_loss", "main_mean_absolute_error"]


def test_distinct_entries_still_apply_to_every_output():
    model = _two_output_model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
    x, y = _data()
    logs = model.evaluate(x, (y, y), verbose=0, return_dict=True)
    assert sorted(logs) == ["aux_loss", "aux_mae", "aux_mse", "loss", "main_loss", "main_mae", "main_mse"]
