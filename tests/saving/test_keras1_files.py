"""Keras 1.x HDF5 files: bare-list Sequential configs, Keras 1 argument names, recurrent weights
stored per gate and Conv1D kernels stored 4-D. The files are written here by hand in the Keras 1.2
layout from a tkeras model's weights, split the way Keras 1 kept them; loading must give back the
same function."""
import json

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import load_model

L = keras.layers
needs_rnn = pytest.mark.skipif(not all(hasattr(L, n) for n in ("Embedding", "LSTM", "GRU")),
                               reason="recurrent layers not in tkeras yet")


def _write_keras1(path, layer_configs, layer_weights):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": layer_configs}).encode()
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [c["config"]["name"].encode() for c in layer_configs]
        for config in layer_configs:
            name = config["config"]["name"]
            arrays = layer_weights.get(name, [])
            g = group.create_group(name)
            names = [f"{name}_{i}".encode() for i in range(len(arrays))]
            g.attrs["weight_names"] = names
            for weight_name, value in zip(names, arrays):
                g.create_dataset(weight_name.decode(), data=value)


def _split(array, parts):
    return np.split(array, parts, axis=-1)


@needs_rnn
def test_keras1_lstm_per_gate_weights(tmp_path):
    model = keras.Sequential([L.Embedding(12, 4, input_length=5), L.LSTM(3), L.Dense(1, activation="sigmoid")])
    x = np.random.default_rng(0).integers(0, 12, (3, 5))
    reference = model.predict(x, verbose=0)
    embeddings, kernel, recurrent, bias, dense_w, dense_b = model.get_weights()
    # Keras 2 gate order is i, f, c, o; Keras 1 stored (W, U, b) per gate in the order i, c, f, o.
    gates = dict(zip("ifco", zip(_split(kernel, 4), _split(recurrent, 4), _split(bias, 4))))
    per_gate = [a for g in "icfo" for a in gates[g]]
    configs = [
        {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": 12, "output_dim": 4,
                                               "input_length": 5, "batch_input_shape": [None, 5],
                                               "init": "uniform", "mask_zero": False, "dropout": 0.0}},
        {"class_name": "LSTM", "config": {"name": "lstm_1", "output_dim": 3, "inner_activation": "sigmoid",
                                          "activation": "tanh", "init": "glorot_uniform",
                                          "inner_init": "orthogonal", "return_sequences": False,
                                          "dropout_W": 0.0, "dropout_U": 0.0, "consume_less": "cpu"}},
        {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 1, "activation": "sigmoid"}},
    ]
    _write_keras1(tmp_path / "k1.h5", configs, {"embedding_1": [embeddings], "lstm_1": per_gate,
                                                "dense_1": [dense_w, dense_b]})
    loaded = load_model(tmp_path / "k1.h5")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), reference, atol=1e-6)


@needs_rnn
def test_keras1_gru_per_gate_weights_and_reset_before(tmp_path):
    model = keras.Sequential([L.Embedding(12, 4), L.GRU(3, reset_after=False), L.Dense(2)])
    x = np.random.default_rng(1).integers(0, 12, (3, 6))
    reference = model.predict(x, verbose=0)
    embeddings, kernel, recurrent, bias, dense_w, dense_b = model.get_weights()
    per_gate = [a for parts in zip(_split(kernel, 3), _split(recurrent, 3), _split(bias, 3)) for a in parts]
    configs = [
        {"class_name": "Embedding", "config": {"name": "embedding_1", "input_dim": 12, "output_dim": 4,
                                               "batch_input_shape": [None, 6]}},
        {"class_name": "GRU", "config": {"name": "gru_1", "output_dim": 3, "inner_activation": "sigmoid"}},
        {"class_name": "Dense", "config": {"name": "dense_1", "output_dim": 2}},
    ]
    _write_keras1(tmp_path / "k1.h5", configs, {"embedding_1": [embeddings], "gru_1": per_gate,
                                                "dense_1": [dense_w, dense_b]})
    loaded = load_model(tmp_path / "k1.h5")
    assert loaded.layers[1].get_config()["reset_after"] is False
    np.testing.assert_allclose(loaded.predict(x, verbose=0), reference, atol=1e-6)
