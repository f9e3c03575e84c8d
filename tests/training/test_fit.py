"""compile/fit/evaluate/predict against NumPy: one SGD step, losses, validation split, weights, logs."""
import math

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers


def linear_model(input_dim=3, units=1, seed=0):
    rng = np.random.default_rng(seed)
    model = keras.Sequential([layers.Dense(units, input_shape=(input_dim,))])
    kernel = rng.standard_normal((input_dim, units)).astype("float32")
    bias = rng.standard_normal(units).astype("float32")
    model.set_weights([kernel, bias])
    return model, kernel, bias


def data(n=20, input_dim=3, units=1, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, input_dim)).astype("float32"),
            rng.standard_normal((n, units)).astype("float32"))


def test_one_sgd_step_matches_closed_form():
    model, kernel, bias = linear_model()
    x, y = data()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    residual = x @ kernel + bias - y
    grad_kernel = 2.0 / residual.size * x.T @ residual
    grad_bias = 2.0 / residual.size * residual.sum(axis=0)
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - 0.1 * grad_kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new_bias, bias - 0.1 * grad_bias, rtol=1e-5, atol=1e-6)


def test_history_loss_is_sample_weighted_mean_of_batch_losses():
    model, kernel, bias = linear_model()
    x, y = data(n=10)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    residual = x @ kernel + bias - y
    assert history.history["loss"] == pytest.approx([float((residual ** 2).mean())] * 2, rel=1e-5)
    assert history.history["mae"] == pytest.approx([float(np.abs(residual).mean())] * 2, rel=1e-5)
    assert history.epoch == [0, 1]


def test_validation_split_takes_the_last_fraction():
    model, kernel, bias = linear_model()
    x, y = data(n=10)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, validation_split=0.2, epochs=1, verbose=0)
    residual = x @ kernel + bias - y
    assert history.history["loss"][0] == pytest.approx(float((residual[:8] ** 2).mean()), rel=1e-5)
    assert history.history["val_loss"][0] == pytest.approx(float((residual[8:] ** 2).mean()), rel=1e-5)


def test_validation_data_and_acc_spelling_kept():
    x = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    history = model.fit(x, y, validation_data=(x, y), epochs=2, batch_size=16, verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.history["accuracy"] is history.history["acc"]  # old scripts read the other spelling
    probs = model.predict(x, verbose=0)[:, 0]
    expected_acc = float(((probs > 0.5) == (y > 0.5)).mean())
    assert model.evaluate(x, y, verbose=0)[1] == pytest.approx(expected_acc)


def test_sample_weight_uses_sum_over_batch_size():
    model, kernel, bias = linear_model()
    x, y = data(n=8)
    w = np.arange(8, dtype="float32")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, sample_weight=w, batch_size=8, epochs=1, verbose=0)
    per_sample = ((x @ kernel + bias - y) ** 2).mean(axis=1)
    assert history.history["loss"][0] == pytest.approx(float((per_sample * w).sum() / 8), rel=1e-5)


def test_class_weight_becomes_sample_weight():
    model, kernel, bias = linear_model(units=1)
    x, _ = data(n=6)
    y = np.array([0, 1, 1, 0, 1, 0], dtype="float32").reshape(-1, 1)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, batch_size=6, epochs=1, verbose=0)
    per_sample = ((x @ kernel + bias - y) ** 2).mean(axis=1)
    weights = np.where(y[:, 0] == 1, 3.0, 1.0)
    assert history.history["loss"][0] == pytest.approx(float((per_sample * weights).sum() / 6), rel=1e-5)


def test_evaluate_scalar_list_and_dict():
    model, kernel, bias = linear_model()
    x, y = data()
    model.compile(optimizer="sgd", loss="mse")
    mse = float(((x @ kernel + bias - y) ** 2).mean())
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse, rel=1e-5)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    result = model.evaluate(x, y, batch_size=7, verbose=0)
    assert isinstance(result, list) and result[0] == pytest.approx(mse, rel=1e-5)
    assert model.metrics_names == ["loss", "mae"]
    assert model.evaluate(x, y, verbose=0, return_dict=True)["mae"] == pytest.approx(
        float(np.abs(x @ kernel + bias - y).mean()), rel=1e-5)


def test_predict_is_batch_size_independent():
    model, kernel, bias = linear_model(units=2)
    x, _ = data(n=33)
    np.testing.assert_allclose(model.predict(x, batch_size=5, verbose=0), x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_on_batch_methods():
    model, kernel, bias = linear_model()
    x, y = data()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    mse = float(((x @ kernel + bias - y) ** 2).mean())
    assert model.train_on_batch(x, y) == pytest.approx(mse, rel=1e-5)
    assert model.test_on_batch(x, y) == pytest.approx(mse, rel=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x), x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_generator_and_sequence_inputs():
    model, kernel, bias = linear_model()
    x, y = data(n=12)

    def gen():
        while True:
            for i in range(0, 12, 4):
                yield x[i:i + 4], y[i:i + 4]

    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 4:(i + 1) * 4], y[i * 4:(i + 1) * 4]

    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    mse = float(((x @ kernel + bias - y) ** 2).mean())
    assert model.fit(gen(), steps_per_epoch=3, epochs=1, verbose=0).history["loss"][0] == pytest.approx(mse, rel=1e-5)
    assert model.fit(Batches(), epochs=1, verbose=0).history["loss"][0] == pytest.approx(mse, rel=1e-5)
    assert model.evaluate(Batches(), verbose=0) == pytest.approx(mse, rel=1e-5)
    finite = (batch for batch, _ in zip(gen(), range(3)))  # Keras 3: no steps_per_epoch, runs to the end
    assert model.fit(finite, epochs=1, verbose=0).history["loss"][0] == pytest.approx(mse, rel=1e-5)


def test_keras1_spellings_nb_epoch_and_lr():
    model, _, _ = linear_model()
    x, y = data()
    model.compile(keras.optimizers.SGD(lr=0.01), "mse")
    history = model.fit(x, y, nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][2] < history.history["loss"][0]


def test_freezing_then_recompiling_keeps_weights():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    x, y = data()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    frozen = model.layers[0].get_weights()
    model.layers[0].trainable = False
    model.compile(optimizer="adam", loss="mse")
    before_head = model.layers[1].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(before_head[0], model.layers[1].get_weights()[0])


def test_runs_repeat_exactly_with_set_random_seed():
    def run():
        keras.utils.set_random_seed(42)
        model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dropout(0.3),
                                  layers.Dense(1)])
        model.compile(optimizer="rmsprop", loss="mse")
        x, y = data(n=50)
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        return model.get_weights()
    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_progress_output_formats(capsys):
    model, _, _ = linear_model()
    x, y = data(n=64)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=32, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2 [==============================] - " in out and "step - loss: " in out and " - mae: " in out
    model.fit(x, y, epochs=1, batch_size=32, verbose=2, validation_data=(x, y))
    out = capsys.readouterr().out
    line = [l for l in out.splitlines() if l.startswith("2/2 - ")][0]
    assert " - loss: " in line and " - val_loss: " in line and "/epoch" in line
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_errors_fit_before_compile_and_mismatched_lengths():
    model, _, _ = linear_model()
    x, y = data()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"x sizes: 20\n  y sizes: 19"):
        model.fit(x, y[:19], verbose=0)
    with pytest.raises(TypeError, match="numeric data"):
        model.fit(np.array([["a", "b", "c"]]), y[:1], verbose=0)


def test_unknown_names_suggest_the_closest():
    model, _, _ = linear_model()
    with pytest.raises(ValueError, match="Did you mean 'rmsprop'"):
        model.compile(optimizer="rmsprob", loss="mse")
    with pytest.raises(ValueError, match="activation.*Did you mean 'relu'"):
        layers.Dense(2, activation="relus")


def test_nan_loss_is_reported():
    model, _, _ = linear_model()
    x, y = data()
    y[0, 0] = np.nan
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(RuntimeWarning, match="loss is nan"):
        history = model.fit(x, y, epochs=1, verbose=0)
    assert math.isnan(history.history["loss"][0])


def test_tkeras_max_epochs_caps_fit(monkeypatch):
    monkeypatch.setenv("TKERAS_MAX_EPOCHS", "1")
    model, _, _ = linear_model()
    x, y = data()
    model.compile(optimizer="sgd", loss="mse")
    assert len(model.fit(x, y, epochs=5, verbose=0).history["loss"]) == 1


def test_learns_xor_like_problem():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(512, 2)).astype("float32")
    y = ((x[:, 0] * x[:, 1]) > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(16, activation="tanh", input_shape=(2,)),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=64, verbose=0)
    assert history.history["accuracy"][-1] > 0.9


def test_use_ema_ends_training_on_the_moving_average():
    # Reference: the same SGD run without EMA, its weights after every step averaged by hand
    # (first step copies, then ema = m * ema + (1 - m) * weights).
    x, y = data()
    plain, _, _ = linear_model()
    plain.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    per_step = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: per_step.append(plain.get_weights()))
    plain.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0, callbacks=[record])
    momentum = 0.6
    average = [w.copy() for w in per_step[0]]
    for weights in per_step[1:]:
        average = [momentum * a + (1 - momentum) * w for a, w in zip(average, weights)]

    ema, _, _ = linear_model()
    ema.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=momentum), loss="mse")
    ema.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    assert len(per_step) == 8
    for got, want in zip(ema.get_weights(), average):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(average[0], per_step[-1][0])  # the average is not just the last weights


def test_a_variable_owns_its_value():
    array = np.zeros(3, dtype="float32")
    tensor = torch.zeros(2)
    v, t = keras.Variable(array), keras.Variable(tensor)
    v.assign_add(np.ones(3, dtype="float32"))
    t.assign([1.0, 2.0])
    np.testing.assert_array_equal(array, 0.0)
    assert torch.equal(tensor, torch.zeros(2))
    np.testing.assert_array_equal(v.numpy(), 1.0)
