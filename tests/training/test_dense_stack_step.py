"""The fused train step of Dense/Dropout/Activation stacks (training/dense_stack_step.py).

The reference is the general step (layer calls, autograd through the whole model), run on the same
seed with TKERAS_DENSE_STACK_STEP=0: histories and weights must match to float32 rounding, and the
fused step must actually have run (counted), or not run where it does not apply.
"""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.training import dense_stack_step


@pytest.fixture
def fused_calls(monkeypatch):
    calls = []
    original = dense_stack_step.train_step

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(dense_stack_step, "train_step", counting)
    return calls


def _data(classes=5, rows=200, features=12):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, features)).astype("float32")
    labels = rng.integers(0, classes, rows)
    return x, labels


def _train(monkeypatch, fused, build, loss, x, y, optimizer="rmsprop", **fit_kwargs):
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1" if fused else "0")
    keras.utils.set_random_seed(7)
    model = build()
    model.compile(optimizer=optimizer() if callable(optimizer) else optimizer, loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, shuffle=True, **fit_kwargs)
    return model, history.history


def _assert_same_training(monkeypatch, build, loss, x, y, fused_calls, optimizer="rmsprop", **fit_kwargs):
    fused_calls.clear()
    fused_model, fused_history = _train(monkeypatch, True, build, loss, x, y, optimizer, **fit_kwargs)
    assert len(fused_calls) == 14  # 2 epochs of 7 batches, every one fused
    general_model, general_history = _train(monkeypatch, False, build, loss, x, y, optimizer, **fit_kwargs)
    assert len(fused_calls) == 14
    assert fused_history.keys() == general_history.keys()
    for key in general_history:
        np.testing.assert_allclose(fused_history[key], general_history[key], rtol=1e-6, atol=1e-7)
    for fused, general in zip(fused_model.get_weights(), general_model.get_weights()):
        np.testing.assert_allclose(fused, general, rtol=1e-5, atol=1e-6)
    assert any(not np.array_equal(w, v) for w, v in zip(fused_model.get_weights(), _fresh_weights(build)))


def _fresh_weights(build):
    keras.utils.set_random_seed(7)
    return build().get_weights()


def test_mlp_with_dropout_and_hidden_activations_trains_as_the_general_step(monkeypatch, fused_calls):
    x, labels = _data()

    def build():
        return keras.Sequential([
            keras.Input((12,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dropout(0.3),
            keras.layers.Dense(16, activation="tanh"), keras.layers.Dropout(0.2, noise_shape=(1, 16)),
            keras.layers.Dense(8, activation="sigmoid"), keras.layers.Dense(5, activation="softmax")])

    _assert_same_training(monkeypatch, build, "categorical_crossentropy", x,
                          keras.utils.to_categorical(labels, 5), fused_calls)


def test_keras1_style_activation_layers_sparse_labels_and_adam(monkeypatch, fused_calls):
    x, labels = _data()

    def build():
        model = keras.Sequential()
        model.add(keras.layers.Dense(24, input_shape=(12,)))
        model.add(keras.layers.Activation("relu"))
        model.add(keras.layers.Dropout(0.25))
        model.add(keras.layers.Dense(5, use_bias=False))
        model.add(keras.layers.Activation("softmax"))
        return model

    _assert_same_training(monkeypatch, build, "sparse_categorical_crossentropy", x, labels, fused_calls,
                          optimizer=lambda: keras.optimizers.Adam(0.01))


def test_binary_head_with_sample_and_class_weights_frozen_layer_and_constraint(monkeypatch, fused_calls):
    x, labels = _data(classes=2)
    weights = np.linspace(0.5, 2.0, len(x)).astype("float32")

    def build():
        frozen = keras.layers.Dense(16, activation="relu")
        model = keras.Sequential([keras.Input((12,)), frozen,
                                  keras.layers.Dense(8, activation="relu",
                                                     kernel_constraint=keras.constraints.MaxNorm(0.5)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        frozen.trainable = False
        return model

    _assert_same_training(monkeypatch, build, "binary_crossentropy", x, labels.astype("float32"), fused_calls,
                          optimizer=lambda: keras.optimizers.SGD(0.1, momentum=0.9), sample_weight=weights)
    _assert_same_training(monkeypatch, build, "binary_crossentropy", x, labels.astype("float32"),
                          fused_calls, class_weight={0: 1.0, 1: 3.0})


def test_regression_head_with_mse(monkeypatch, fused_calls):
    x, _ = _data()
    y = (x[:, :3] @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")

    def build():
        return keras.Sequential([keras.Input((12,)), keras.layers.Dense(10, activation="relu"), keras.layers.Dense(1)])

    _assert_same_training(monkeypatch, build, "mse", x, y, fused_calls)


def test_the_fused_step_is_fast_path_only(monkeypatch, fused_calls):
    x, labels = _data()
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1")

    def fit(model):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(x, labels, batch_size=100, epochs=1, verbose=0)
        count = len(fused_calls)
        fused_calls.clear()
        return count

    def stack(*layers):
        return keras.Sequential([keras.Input((12,)), *layers, keras.layers.Dense(5, activation="softmax")])

    assert fit(stack(keras.layers.Dense(8, activation="relu"))) == 2
    # a weight regularizer adds a loss term the fused step does not differentiate
    assert fit(stack(keras.layers.Dense(8, kernel_regularizer="l2"))) == 0
    assert fit(stack(keras.layers.Dense(8, activity_regularizer="l2"))) == 0
    assert fit(stack(keras.layers.Dense(8, activation="elu"))) == 0  # no one-kernel backward kept for it
    assert fit(stack(keras.layers.BatchNormalization())) == 0
    assert fit(stack(keras.layers.Dense(8), keras.layers.Dropout(0.5), keras.layers.Dense(4), keras.layers.Dropout(0.1))) == 2

    class OwnDense(keras.layers.Dense):
        def call(self, inputs):
            return super().call(inputs) * 2.0

    assert fit(stack(OwnDense(8))) == 0

    class OwnStep(keras.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return super().compute_loss(x, y, y_pred, sample_weight) + 0.1 * torch.sum(self.layers[0].kernel ** 2)

    own = OwnStep([keras.Input((12,)), keras.layers.Dense(5, activation="softmax")])
    assert fit(own) == 0
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "0")
    assert fit(stack(keras.layers.Dense(8, activation="relu"))) == 0
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1")
    model = stack(keras.layers.Dense(8, activation="relu"))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.train_on_batch(x[:10], labels[:10])  # one step outside fit: the general step
    assert not fused_calls


def test_an_activation_changed_after_the_plan_goes_the_general_way(monkeypatch, fused_calls):
    x, labels = _data()
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1")
    hidden = keras.layers.Dense(8, activation="relu")
    model = keras.Sequential([keras.Input((12,)), hidden, keras.layers.Dense(5, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")

    class Switch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                hidden.activation = keras.activations.elu

    model.fit(x, labels, batch_size=50, epochs=1, verbose=0, callbacks=[Switch()])
    assert len(fused_calls) == 1  # the first batch only


def test_mixed_precision_models_take_the_general_step_and_float32_ones_still_fuse(monkeypatch, fused_calls):
    x, labels = _data()
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1")

    def fit():
        model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(x, labels, batch_size=100, epochs=1, verbose=0)
        count = len(fused_calls)
        fused_calls.clear()
        return count

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        assert fit() == 0
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert fit() == 2  # a mixed policy seen earlier in the process does not turn the fused step off


def test_updates_skip_grad_attributes_unless_step_from_grads_is_overridden(monkeypatch, fused_calls):
    """The base optimizers take the step's gradients directly (no `.grad` left on the weights, also none
    from an earlier general fit); a subclass that overrides `step_from_grads` is still called with
    `.grad` filled, and both train as the general step does."""
    x, labels = _data()
    y = keras.utils.to_categorical(labels, 5)
    seen = []

    class Recording(keras.optimizers.RMSprop):
        def step_from_grads(self, variables):
            seen.append([v.grad is not None for v in variables])
            return super().step_from_grads(variables)

    def build():
        return keras.Sequential([keras.Input((12,)), keras.layers.Dense(16, activation="relu"),
                                 keras.layers.Dense(5, activation="softmax")])

    _assert_same_training(monkeypatch, build, "categorical_crossentropy", x, y, fused_calls, optimizer=Recording)
    assert len(seen) == 28 and all(all(flags) for flags in seen)  # 14 fused and 14 general steps
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "0")
    model = build()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert all(w.grad is not None for w in model.trainable_weights)  # the general step's autograd
    monkeypatch.setenv("TKERAS_DENSE_STACK_STEP", "1")
    fused_calls.clear()
    before = [w.detach().clone() for w in model.trainable_weights]
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert len(fused_calls) == 7 and all(w.grad is None for w in model.trainable_weights)
    assert all(not torch.equal(b, w.detach()) for b, w in zip(before, model.trainable_weights))
