"""Functional models in compile/fit/evaluate: per-output losses, metrics and loss_weights given as lists
or dicts, list/dict data, checked against NumPy on the model's own predictions; and the training loop
running on raw torch tensors (no TensorFlow-style wrapper inside fit)."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers

RNG = np.random.default_rng(11)
N = 64
XA = RNG.normal(size=(N, 3)).astype("float32")
XB = RNG.normal(size=(N, 2)).astype("float32")
Y_REG = RNG.normal(size=(N, 1)).astype("float32")
Y_CLS = RNG.integers(0, 3, size=(N,))


def _two_in_two_out(name="net"):
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,), name="b")
    hidden = layers.Concatenate(name="joined")([layers.Dense(4, activation="tanh", name="da")(a), b])
    reg = layers.Dense(1, name="reg")(hidden)
    cls = layers.Dense(3, activation="softmax", name="cls")(hidden)
    return keras.Model([a, b], [reg, cls], name=name)


def _numpy_losses(reg, cls):
    mse = float(np.mean((reg - Y_REG) ** 2))
    probs = np.clip(cls, 1e-7, 1 - 1e-7)
    probs = probs / probs.sum(-1, keepdims=True)
    sce = float(-np.mean(np.log(probs[np.arange(N), Y_CLS])))
    mae = float(np.mean(np.abs(reg - Y_REG)))
    acc = float(np.mean(cls.argmax(-1) == Y_CLS))
    return mse, sce, mae, acc


def test_list_losses_metrics_and_loss_weights_with_list_data():
    model = _two_in_two_out()
    model.compile(optimizer="adam", loss=["mse", "sparse_categorical_crossentropy"],
                  metrics=[["mae"], ["accuracy"]], loss_weights=[1.0, 0.5])
    history = model.fit([XA, XB], [Y_REG, Y_CLS], epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy"}
    logs = model.evaluate([XA, XB], [Y_REG, Y_CLS], batch_size=N, verbose=0, return_dict=True)
    reg, cls = model.predict([XA, XB], verbose=0)
    mse, sce, mae, acc = _numpy_losses(reg, cls)
    assert logs["reg_loss"] == pytest.approx(mse, rel=1e-4)
    assert logs["cls_loss"] == pytest.approx(sce, rel=1e-4)
    assert logs["loss"] == pytest.approx(mse + 0.5 * sce, rel=1e-4)
    assert logs["reg_mae"] == pytest.approx(mae, rel=1e-4)
    assert logs["cls_accuracy"] == pytest.approx(acc)


def test_dicts_by_name_in_any_key_order():
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  metrics={"cls": "accuracy", "reg": ["mae", "mse"]}, loss_weights={"cls": 2.0, "reg": 1.0})
    x = {"b": XB, "a": XA}  # neither dict follows the model's order of inputs/outputs
    y = {"cls": Y_CLS, "reg": Y_REG}
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0, validation_split=0.25)
    assert {"val_loss", "val_reg_mse", "val_cls_accuracy"} <= set(history.history)
    logs = model.evaluate(x, y, batch_size=N, verbose=0, return_dict=True)
    reg, cls = model.predict(x, verbose=0)
    mse, sce, mae, acc = _numpy_losses(reg, cls)
    assert logs["reg_mse"] == pytest.approx(mse, rel=1e-4) and logs["reg_loss"] == pytest.approx(mse, rel=1e-4)
    assert logs["reg_mae"] == pytest.approx(mae, rel=1e-4)
    assert logs["cls_accuracy"] == pytest.approx(acc)
    assert logs["loss"] == pytest.approx(mse + 2.0 * sce, rel=1e-4)


def test_dict_outputs_are_named_by_their_keys():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,), name="b")
    hidden = layers.Concatenate()([a, b])
    model = keras.Model({"a": a, "b": b}, {"price": layers.Dense(1)(hidden),
                                           "kind": layers.Dense(3, activation="softmax")(hidden)})
    # Keras 3 (and tf-keras 2): the producing layers' names, by sorted key; the logs use the keys.
    assert model.output_names == [model.output[key]._keras_history[0].name for key in ("kind", "price")]
    model.compile(optimizer="sgd", loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
                  metrics={"kind": ["accuracy"]})
    history = model.fit({"a": XA, "b": XB}, {"kind": Y_CLS, "price": Y_REG}, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "price_loss", "kind_loss", "kind_accuracy"}
    predicted = model.predict({"a": XA, "b": XB}, verbose=0)
    assert set(predicted) == {"price", "kind"} and predicted["kind"].shape == (N, 3)
    logs = model.evaluate({"a": XA, "b": XB}, {"kind": Y_CLS, "price": Y_REG}, batch_size=N, verbose=0,
                          return_dict=True)
    mse, sce, _, acc = _numpy_losses(predicted["price"], predicted["kind"])
    assert logs["price_loss"] == pytest.approx(mse, rel=1e-4) and logs["kind_accuracy"] == pytest.approx(acc)


def test_one_loss_for_every_output_and_unknown_names():
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    one_hot = np.eye(3, dtype="float32")[Y_CLS]
    history = model.fit([XA, XB], [Y_REG, one_hot], epochs=1, verbose=0)
    assert set(history.history) == {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_mae"}
    model.compile(optimizer="sgd", loss={"reg": "mse", "typo": "mse"})
    with pytest.raises(ValueError, match=r"unknown output\(s\) \['typo'\]; the model's outputs are \['reg', 'cls'\]"):
        model.fit([XA, XB], [Y_REG, one_hot], epochs=1, verbose=0)
    model.compile(optimizer="sgd", loss=["mse"])
    with pytest.raises(ValueError, match="loss has 1 entries but the model has 2 outputs"):
        model.fit([XA, XB], [Y_REG, one_hot], epochs=1, verbose=0)


def test_fit_runs_layers_on_raw_torch_tensors(monkeypatch):
    """The TensorFlow face (EagerTensor) is for user code only: fit/evaluate/predict never touch it."""
    from tkeras.backend.eager_tensor import EagerTensor
    seen_types = set()

    class Probe(layers.Layer):
        def call(self, inputs):
            seen_types.add(type(inputs))
            return inputs

    calls = []
    original = EagerTensor.__torch_function__.__func__

    def counting(cls, func, types, args=(), kwargs=None):
        calls.append(func)
        return original(cls, func, types, args, kwargs)

    inp = keras.Input(shape=(3,))
    model = keras.Model(inp, layers.Dense(1)(Probe()(layers.Dense(4, activation="relu")(inp))))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    monkeypatch.setattr(EagerTensor, "__torch_function__", classmethod(counting))
    model.fit(XA, Y_REG, epochs=2, batch_size=16, verbose=0, validation_split=0.25)
    model.evaluate(XA, Y_REG, verbose=0)
    model.predict(XA, verbose=0)
    assert seen_types == {torch.Tensor} and calls == []
