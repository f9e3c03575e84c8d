"""ONNX export: the exported file, run in onnxruntime, predicts what tkeras predicts."""
import numpy as np
import pytest
import torch

import tkeras as keras

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def _run(path, feeds):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session, session.run(None, feeds)


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def test_sequential_dense_model_round_trips_through_onnxruntime(tmp_path):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(5,)),
                              keras.layers.Dropout(0.5),
                              keras.layers.Dense(3, activation="softmax")])
    path = model.export(tmp_path / "mlp.onnx", format="onnx")
    x = _data(7, 5)  # exported with an example batch of 2: the batch axis is dynamic
    session, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)
    assert session.get_inputs()[0].shape == ["batch", 5]
    onnx.checker.check_model(onnx.load(str(path)))


def test_to_onnx_with_an_explicit_signature_on_a_subclassed_model(tmp_path):
    class Residual(keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = keras.layers.Dense(4, activation="tanh")
            self.head = keras.layers.Dense(2)

        def call(self, inputs, training=None):
            return self.head(self.inner(inputs) + inputs * 0.5)

    model = Residual()
    model.build((None, 4))
    path = keras.export.to_onnx(model, tmp_path / "residual.onnx", input_signature=[(None, 4)])
    x = _data(3, 4, seed=1)
    _, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_several_inputs_and_outputs(tmp_path):
    class TwoHeads(keras.Model):
        def __init__(self):
            super().__init__()
            self.a = keras.layers.Dense(3)
            self.b = keras.layers.Dense(3)

        def call(self, inputs):
            left, right = inputs
            joined = self.a(left) * self.b(right)
            return [joined, joined.sum(dim=-1, keepdim=True)]

    model = TwoHeads()
    model([np.zeros((1, 2), "float32"), np.zeros((1, 5), "float32")])
    path = keras.export.to_onnx(model, tmp_path / "two.onnx", input_signature=[(None, 2), (None, 5)])
    left, right = _data(4, 2), _data(4, 5, seed=2)
    session, got = _run(path, {"input_0": left, "input_1": right})
    expected = model.predict([left, right], verbose=0)
    assert [o.name for o in session.get_outputs()] == ["output_0", "output_1"]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5)


def test_functional_model(tmp_path):
    pytest.importorskip("tkeras.models.functional")
    inputs = keras.Input(shape=(6,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = keras.layers.Dense(2, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    path = model.export(tmp_path / "functional.onnx")
    x = _data(5, 6)
    session, (got,) = _run(path, {"features": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_recurrent_models(tmp_path, kind):
    if not hasattr(keras.layers, kind) or not hasattr(keras.layers, "Embedding"):
        pytest.skip(f"keras.layers.{kind} has not landed yet")
    model = keras.Sequential([keras.layers.Embedding(50, 8), getattr(keras.layers, kind)(6),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.build((None, 12))
    # Token ids: the signature says int64 (an example tensor works as a signature too).
    path = model.export(tmp_path / f"{kind}.onnx", input_signature=[torch.zeros(2, 12, dtype=torch.int64)])
    x = np.random.default_rng(0).integers(0, 50, size=(4, 12)).astype("int64")
    _, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_convolutional_model(tmp_path):
    if not hasattr(keras.layers, "Conv2D") or not hasattr(keras.layers, "MaxPooling2D"):
        pytest.skip("keras.layers.Conv2D has not landed yet")
    model = keras.Sequential([keras.layers.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 2)),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(), keras.layers.Dense(3)])
    path = model.export(tmp_path / "conv.onnx")
    x = _data(3, 10, 10, 2)
    _, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_a_layer_onnx_cannot_express_is_named(tmp_path):
    class Spectrum(keras.layers.Layer):
        def call(self, inputs):
            return torch.linalg.eigvalsh(inputs[:, :, None] * inputs[:, None, :])

    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), Spectrum(name="spectrum")])
    with pytest.raises(ValueError, match=r"layer 'spectrum' \(Spectrum\).*linalg_eigvalsh.*not supported"):
        model.export(tmp_path / "bad.onnx")


def test_open_non_batch_dimensions_need_a_signature(tmp_path):
    model = keras.Sequential([keras.layers.Dense(3)])
    model.build((None, None, 4))
    with pytest.raises(ValueError, match=r"unknown non-batch dimension.*input_signature"):
        model.export(tmp_path / "open.onnx")
    path = model.export(tmp_path / "closed.onnx", input_signature=[(None, 5, 4)])
    x = _data(2, 5, 4)
    _, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_unknown_format_and_unbuilt_model():
    model = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="unknown format 'tflite'.*onnx"):
        model.export("m.tflite", format="tflite")
    with pytest.raises(ValueError, match="does not know its input shape.*input_signature"):
        model.export("m.onnx")


def _seed_model(kind):
    L = keras.layers
    needed = {"text_cnn": ["Embedding", "Conv1D", "GlobalMaxPooling1D"], "bidirectional": ["Embedding", "Bidirectional",
              "LSTM"], "batchnorm": ["BatchNormalization"], "stacked_gru": ["Embedding", "GRU"]}[kind]
    missing = [name for name in needed if not hasattr(L, name)]
    if missing:
        pytest.skip(f"keras.layers.{missing[0]} has not landed yet")
    if kind == "text_cnn":
        return keras.Sequential([L.Embedding(40, 8), L.Conv1D(6, 3, activation="relu"), L.GlobalMaxPooling1D(),
                                 L.Dense(1, activation="sigmoid")]), (None, 15)
    if kind == "bidirectional":
        return keras.Sequential([L.Embedding(40, 8), L.Bidirectional(L.LSTM(5)), L.Dense(3, activation="softmax")]), \
            (None, 15)
    if kind == "stacked_gru":
        return keras.Sequential([L.Embedding(40, 8), L.GRU(6, return_sequences=True), L.GRU(4), L.Dense(2)]), (None, 15)
    return keras.Sequential([L.Dense(8, input_shape=(6,)), L.BatchNormalization(), L.Dense(2)]), (None, 6)


@pytest.mark.parametrize("kind", ["text_cnn", "bidirectional", "stacked_gru", "batchnorm"])
def test_seed_tutorial_architectures(tmp_path, kind):
    model, shape = _seed_model(kind)
    model.build(shape)
    ints = kind != "batchnorm"
    example = torch.zeros((2,) + shape[1:], dtype=torch.int64 if ints else torch.float32)
    path = keras.export.to_onnx(model, tmp_path / f"{kind}.onnx", input_signature=[example])
    rng = np.random.default_rng(3)
    x = rng.integers(0, 40, size=(5,) + shape[1:]).astype("int64") if ints else _data(5, *shape[1:])
    _, (got,) = _run(path, {"input": x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)
