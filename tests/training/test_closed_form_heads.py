"""The Dense-stack step's closed-form crossentropy heads (training/closed_form_heads.py).

Each head must give exactly what autograd gives through the compiled loss (TKERAS_CLOSED_FORM_HEAD=0,
same seed): identical histories and weights, bit for bit, and must have run at every step; its loss
and gradient must also match the textbook formulas computed with NumPy.
"""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.training import closed_form_heads

ROWS, FEATURES, CLASSES = 160, 12, 4


@pytest.fixture
def head_calls(monkeypatch):
    calls = []
    for kind, head in list(closed_form_heads._HEADS.items()):
        def counting(z, y, _head=head, _kind=kind):
            result = _head(z, y)
            calls.append((_kind, result is not None))
            return result
        monkeypatch.setitem(closed_form_heads._HEADS, kind, counting)
    return calls


def _targets(kind):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, CLASSES, ROWS)
    if kind == "onehot":
        return keras.utils.to_categorical(labels, CLASSES)
    if kind == "labels":
        return labels
    if kind == "float_labels":
        return labels.reshape(-1, 1).astype("float32")
    if kind == "binary":
        return (labels % 2).astype("float32")
    return (labels % 2).reshape(-1, 1).astype("float32")  # binary_column


def _fit(monkeypatch, closed, units, activation, loss, y, **fit_kwargs):
    monkeypatch.setenv("TKERAS_CLOSED_FORM_HEAD", "1" if closed else "0")
    keras.utils.set_random_seed(11)
    x = np.random.default_rng(0).normal(size=(ROWS, FEATURES)).astype("float32")
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.25), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, batch_size=48, epochs=2, verbose=0, **fit_kwargs)  # a short last batch
    return model, history.history


HEADS = [
    ("categorical", CLASSES, "softmax", "categorical_crossentropy", "onehot"),
    ("categorical", CLASSES, None, keras.losses.CategoricalCrossentropy(from_logits=True), "onehot"),
    ("sparse", CLASSES, "softmax", "sparse_categorical_crossentropy", "labels"),
    ("sparse", CLASSES, None, keras.losses.SparseCategoricalCrossentropy(from_logits=True), "float_labels"),
    ("binary", 1, "sigmoid", "binary_crossentropy", "binary"),
    ("binary", 1, None, keras.losses.BinaryCrossentropy(from_logits=True), "binary_column"),
]


@pytest.mark.parametrize("kind, units, activation, loss, targets", HEADS)
def test_each_head_trains_bit_for_bit_as_autograd_does(monkeypatch, head_calls, kind, units, activation, loss,
                                                         targets):
    y = _targets(targets)
    closed_model, closed_history = _fit(monkeypatch, True, units, activation, loss, y)
    assert head_calls == [(kind, True)] * 7  # 2 epochs of 4 batches, the first step building the loss
    general_model, general_history = _fit(monkeypatch, False, units, activation, loss, y)
    assert len(head_calls) == 7
    assert closed_history == general_history
    for closed, general in zip(closed_model.get_weights(), general_model.get_weights()):
        np.testing.assert_array_equal(closed, general)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_loss_and_gradient_match_the_formulas():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 5)).astype("float32")
    onehot = np.eye(5, dtype="float32")[rng.integers(0, 5, 6)]
    p = _softmax(z.astype("float64"))
    loss, grad = closed_form_heads._categorical(torch.from_numpy(z), torch.from_numpy(onehot))
    np.testing.assert_allclose(float(loss), -(onehot * np.log(p)).sum(axis=1).mean(), rtol=1e-6)
    np.testing.assert_allclose(grad.numpy(), (p - onehot) / 6, rtol=1e-5, atol=1e-7)

    loss, grad = closed_form_heads._sparse(torch.from_numpy(z), torch.from_numpy(onehot.argmax(1)))
    np.testing.assert_allclose(float(loss), -(onehot * np.log(p)).sum(axis=1).mean(), rtol=1e-6)
    np.testing.assert_allclose(grad.numpy(), (p - onehot) / 6, rtol=1e-5, atol=1e-7)

    targets = (rng.random((6, 3)) < 0.5).astype("float32")
    logits = z[:, :3].astype("float64")
    s = 1 / (1 + np.exp(-logits))
    loss, grad = closed_form_heads._binary(torch.from_numpy(z[:, :3].copy()), torch.from_numpy(targets))
    expected = -(targets * np.log(s) + (1 - targets) * np.log(1 - s)).mean(axis=1).mean()
    np.testing.assert_allclose(float(loss), expected, rtol=1e-6)
    np.testing.assert_allclose(grad.numpy(), (s - targets) / 18, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss, activation, fit_kwargs", [
    (keras.losses.CategoricalCrossentropy(label_smoothing=0.1), "softmax", {}),
    ("categorical_crossentropy", "softmax", {"class_weight": {0: 1.0, 1: 2.0, 2: 1.0, 3: 0.5}}),
    ("categorical_crossentropy", None, {}),  # probabilities expected, logits given: not a pair
    (keras.losses.CategoricalCrossentropy(from_logits=True), "softmax", {}),
    (keras.losses.CategoricalCrossentropy(reduction="sum"), "softmax", {}),
    ("categorical_focal_crossentropy", "softmax", {}),
])
def test_other_losses_arguments_and_weights_keep_autograd(monkeypatch, head_calls, loss, activation, fit_kwargs):
    y = _targets("onehot")
    closed_model, closed_history = _fit(monkeypatch, True, CLASSES, activation, loss, y, **fit_kwargs)
    assert all(not ran for _, ran in head_calls) and closed_model.__dict__.get("_dense_stack_head") is None
    _, general_history = _fit(monkeypatch, False, CLASSES, activation, loss, y, **fit_kwargs)
    assert closed_history == general_history


def test_a_subclassed_loss_and_loss_weights_keep_autograd(monkeypatch, head_calls):
    class Doubled(keras.losses.CategoricalCrossentropy):
        def call(self, y_true, y_pred):
            return 2.0 * super().call(y_true, y_pred)

    y = _targets("onehot")
    model, _ = _fit(monkeypatch, True, CLASSES, "softmax", Doubled(), y)
    assert model.__dict__.get("_dense_stack_head") is None
    monkeypatch.setenv("TKERAS_CLOSED_FORM_HEAD", "1")
    model.compile(optimizer="adam", loss="categorical_crossentropy", loss_weights=0.5)
    model.fit(np.zeros((ROWS, FEATURES), "float32"), y, batch_size=48, epochs=1, verbose=0)
    assert model.__dict__.get("_dense_stack_head") is None and not head_calls


def test_out_of_range_labels_fail_as_in_the_general_step(monkeypatch, head_calls):
    y = _targets("labels")
    y[-1] = CLASSES  # in the last batch: the closed head is in use by then
    with pytest.raises(Exception) as closed:
        _fit(monkeypatch, True, CLASSES, "softmax", "sparse_categorical_crossentropy", y, shuffle=False)
    assert head_calls == [("sparse", True)] * 2 + [("sparse", False)]
    with pytest.raises(Exception) as general:
        _fit(monkeypatch, False, CLASSES, "softmax", "sparse_categorical_crossentropy", y, shuffle=False)
    assert type(closed.value) is type(general.value) and str(closed.value) == str(general.value)


@pytest.fixture
def general_calls(monkeypatch):
    calls = []
    original = closed_form_heads.loss_and_gradient

    def counting(*args):
        result = original(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(closed_form_heads, "loss_and_gradient", counting)
    return calls


def _general_model(kind):
    """Models the Dense-stack step does not take: the general step (autograd through the model) runs."""
    if kind == "recurrent":
        return keras.Sequential([keras.Input((FEATURES,)), keras.layers.Reshape((FEATURES, 1)),
                                 keras.layers.SimpleRNN(6), keras.layers.Dense(1, activation="sigmoid")])
    if kind == "functional_logits":
        inputs = keras.Input((FEATURES,))
        hidden = keras.layers.BatchNormalization()(keras.layers.Dense(8, activation="relu")(inputs))
        return keras.Model(inputs, keras.layers.Dense(CLASSES)(hidden))
    if kind == "softmax_layer":
        return keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="elu"),
                                 keras.layers.Dense(CLASSES), keras.layers.Activation("softmax")])
    if kind == "activity_regularized":
        return keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="elu",
                                                                           activity_regularizer="l2"),
                                 keras.layers.Dense(CLASSES, activation="softmax")])
    return keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="elu",
                                                                       kernel_regularizer="l2"),
                             keras.layers.Dense(CLASSES, activation="softmax")])  # weight_regularized


GENERAL = [("recurrent", "binary_crossentropy", "binary", True),
           ("functional_logits", keras.losses.SparseCategoricalCrossentropy(from_logits=True), "labels", True),
           ("softmax_layer", "categorical_crossentropy", "onehot", True),
           ("activity_regularized", "categorical_crossentropy", "onehot", False),
           ("weight_regularized", "categorical_crossentropy", "onehot", False)]


@pytest.mark.parametrize("kind, loss, targets, applies", GENERAL)
def test_the_general_step_uses_the_head_where_the_output_allows_it(monkeypatch, general_calls, kind, loss,
                                                                    targets, applies):
    y = _targets(targets)
    x = np.random.default_rng(0).normal(size=(ROWS, FEATURES)).astype("float32")
    results = []
    for closed in (True, False):
        monkeypatch.setenv("TKERAS_CLOSED_FORM_HEAD", "1" if closed else "0")
        general_calls.clear()
        keras.utils.set_random_seed(11)
        model = _general_model(kind)
        model.compile(optimizer="rmsprop", loss=loss, metrics=["accuracy"])
        history = model.fit(x, y, batch_size=48, epochs=2, verbose=0)
        results.append((history.history, model.get_weights(), list(general_calls)))
    (closed_history, closed_weights, closed_calls), (history, weights, calls) = results
    assert closed_calls == [False] + [applies] * 7 and calls == [False] * 8  # the first step builds the loss
    assert closed_history == history
    for closed, reference in zip(closed_weights, weights):
        np.testing.assert_array_equal(closed, reference)


def test_an_overridden_compute_loss_is_always_called(monkeypatch, general_calls):
    calls = []

    class Counting(keras.Model):
        def compute_loss(self, *args, **kwargs):
            calls.append(1)
            return super().compute_loss(*args, **kwargs)

    inputs = keras.Input((FEATURES,))
    model = Counting(inputs, keras.layers.Dense(CLASSES, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit(np.zeros((ROWS, FEATURES), "float32"), _targets("onehot"), batch_size=48, epochs=1, verbose=0)
    assert len(calls) == 4 and not general_calls
