"""The new layers inside models: shape inference through Sequential, tutorial-style stacks that learn,
config round trips through tkeras' serialization, and (once optimizers land) fit."""
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers
from tkeras.backend.config import device
from tkeras.models import Sequential
from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object


def _keras1_mnist_cnn():
    return Sequential([
        layers.Convolution2D(8, 3, 3, border_mode="valid", input_shape=(12, 12, 1), activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(4, activation="softmax"),
    ])


def test_sequential_infers_shapes_before_data():
    model = _keras1_mnist_cnn()
    assert model.built
    assert model.layers[0].output_shape == (None, 10, 10, 8)
    assert model.layers[2].output_shape == (None, 5, 5, 8)
    assert model.output_shape == (None, 4)
    out = model(np.zeros((2, 12, 12, 1), "float32"))
    assert tuple(out.shape) == (2, 4)


def test_cnn_bilstm_front_end_shapes():
    model = Sequential([
        layers.Embedding(50, 16, input_length=40),
        layers.Dropout(0.25),
        layers.Conv1D(8, 5, padding="valid", activation="relu", strides=1),
        layers.MaxPooling1D(pool_size=4),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.build((None, 40))
    assert model.layers[2].output_shape == (None, 36, 8)
    assert model.layers[3].output_shape == (None, 9, 8)
    x = np.random.default_rng(0).integers(1, 50, size=(3, 40))
    assert tuple(model(x).shape) == (3, 1)


def test_small_cnn_learns_with_a_torch_optimizer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8, 8, 1)).astype("float32")
    y = (x[:, 2:6, 2:6, 0].mean(axis=(1, 2)) > 0).astype("float32")[:, None]
    model = Sequential([layers.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
                        layers.AveragePooling2D(2), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    xt, yt = torch.as_tensor(x, device=device()), torch.as_tensor(y, device=device())
    optimizer = torch.optim.Adam(model.trainable_weights, lr=0.02)
    losses = []
    for _ in range(60):
        prediction = model(xt, training=True)
        loss = torch.nn.functional.binary_cross_entropy(prediction, yt)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0]
    kernel = model.layers[0].get_weights()[0]
    assert kernel.shape == (3, 3, 1, 4) and kernel.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("layer", [
    layers.Conv1D(3, 2, padding="causal"), layers.Conv2DTranspose(2, 3, strides=2), layers.SeparableConv2D(2, 3),
    layers.MaxPooling2D(3, 2, "same"), layers.GlobalMaxPooling1D(), layers.BatchNormalization(momentum=0.9),
    layers.LayerNormalization(axis=[1]), layers.Concatenate(axis=1), layers.Dot(axes=(1, 2)), layers.LeakyReLU(0.1),
    layers.PReLU(shared_axes=[1]), layers.ZeroPadding2D(((1, 0), (2, 3))), layers.Cropping1D((1, 2)),
    layers.UpSampling2D(2, interpolation="bilinear"), layers.SpatialDropout2D(0.2), layers.Permute((2, 1))])
def test_serialization_round_trip(layer):
    config = serialize_keras_object(layer)
    assert config["class_name"] == type(layer).__name__
    clone = deserialize_keras_object(config)
    assert type(clone) is type(layer)
    assert {k: v for k, v in clone.get_config().items() if k != "name"} == \
        {k: v for k, v in layer.get_config().items() if k != "name"}


def test_keras1_class_names_build_keras2_classes():
    config = {"class_name": "Convolution2D", "config": {"nb_filter": 2, "nb_row": 3, "nb_col": 3, "name": "c1"}}
    layer = deserialize_keras_object(config)
    assert type(layer) is layers.Conv2D and layer.kernel_size == (3, 3)
    assert serialize_keras_object(layer)["class_name"] == "Conv2D"


@pytest.mark.skipif(not hasattr(getattr(tkeras, "optimizers", None), "get"), reason="optimizers not landed yet")
def test_fit_trains_a_cnn():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((128, 10, 10, 1)).astype("float32")
    y = (x[:, 3:7, 3:7, 0].mean(axis=(1, 2)) > 0).astype("float32")
    model = Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 1)),
                        layers.BatchNormalization(), layers.GlobalAveragePooling2D(),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    moving_mean = model.layers[1].get_weights()[2]
    assert np.abs(moving_mean).sum() > 0  # fit ran BatchNormalization in training mode
