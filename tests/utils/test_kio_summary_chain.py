"""A functional model that is one straight line of layers prints the three-column table of a
Sequential model, as Keras (2 and 3) does; a real graph keeps the "Connected to" column (keras-io
guides/functional_api.py: `mnist_model`, `encoder` and the nested `autoencoder` are chains,
`toy_resnet` and the multi-input ticket model are graphs)."""
import tkeras as keras
from tkeras import layers


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def _has_connections(model):
    return any("Connected to" in line for line in _summary(model))


def test_a_chain_of_layers_prints_like_a_sequential_model():
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(10)(x), name="mnist_model")
    lines = _summary(model)
    assert lines[2].rstrip() == "Layer (type)                 Output Shape              Param #"
    assert len(lines[1]) == 65 and lines[-1] == "_" * 65
    assert any(line.startswith("dense_") or line.startswith("dense (") for line in lines)


def test_nested_models_called_in_a_line_are_still_a_chain():
    encoder_input = keras.Input(shape=(8,))
    encoder = keras.Model(encoder_input, layers.Dense(4)(encoder_input))
    decoder_input = keras.Input(shape=(4,))
    decoder = keras.Model(decoder_input, layers.Dense(8)(decoder_input))
    image = keras.Input(shape=(8,))
    autoencoder = keras.Model(image, decoder(encoder(image)))
    assert not _has_connections(encoder) and not _has_connections(autoencoder)


def test_merges_forks_shared_layers_and_several_inputs_keep_the_connections_column():
    inputs = keras.Input(shape=(4,))
    hidden = layers.Dense(4)(inputs)
    assert _has_connections(keras.Model(inputs, layers.add([hidden, inputs])))
    assert _has_connections(keras.Model(inputs, [layers.Dense(1)(hidden), layers.Dense(2)(hidden)]))
    shared = layers.Dense(4)
    assert _has_connections(keras.Model(inputs, shared(shared(inputs))))
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    assert _has_connections(keras.Model([a, b], [layers.Dense(1)(a), layers.Dense(1)(b)]))
