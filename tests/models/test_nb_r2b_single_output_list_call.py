"""A functional model built with `outputs=[t]` gives one tensor when called on symbolic tensors, as
tf-keras 2 does (Hands-On ML ch17's VAE wraps an encoder and a decoder, each built with `outputs=[...]`,
in `Model(inputs=[inputs], outputs=[reconstructions])`; tf-keras predicts one array there). Keras 3.15
returns a list of one from the symbolic call (and so a list from the outer predict); the books' tf.keras
code expects tf-keras 2. The reference values are the NumPy product of the Dense kernels."""
import numpy as np

import tkeras as keras


def _single_output_list_model(units, input_dim):
    inputs = keras.Input(shape=(input_dim,))
    return keras.Model(inputs=[inputs], outputs=[keras.layers.Dense(units, use_bias=False)(inputs)])


def test_symbolic_call_of_one_element_list_model_gives_a_tensor():
    inner = _single_output_list_model(2, 3)
    same_shape = inner(keras.Input(shape=(3,)))
    assert isinstance(same_shape, keras.KerasTensor) and tuple(same_shape.shape) == (None, 2)
    hidden = keras.layers.Dense(3)(keras.Input(shape=(5,)))
    assert isinstance(inner(hidden), keras.KerasTensor)


def test_wrapped_encoder_decoder_predicts_one_array_like_tf_keras():
    encoder_inputs = keras.Input(shape=(4,))
    codings_layer = keras.layers.Dense(2, use_bias=False)
    encoder = keras.Model(inputs=[encoder_inputs], outputs=[encoder_inputs, codings_layer(encoder_inputs)])
    decoder = _single_output_list_model(4, 2)
    inputs = keras.Input(shape=(4,))
    _, codings = encoder(inputs)
    reconstructions = decoder(codings)
    autoencoder = keras.Model(inputs=[inputs], outputs=[reconstructions])
    data = np.arange(8, dtype="float32").reshape(2, 4)
    predicted = autoencoder.predict(data, verbose=0)
    assert isinstance(predicted, np.ndarray) and predicted.shape == (2, 4)
    expected = data @ codings_layer.get_weights()[0] @ decoder.layers[-1].get_weights()[0]
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-5)
    assert isinstance(autoencoder(data), type(keras.ops.convert_to_tensor(data)))


def test_two_output_list_model_still_gives_a_list():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(1)(inputs)])
    outputs = model(keras.Input(shape=(3,)))
    assert isinstance(outputs, list) and [tuple(o.shape) for o in outputs] == [(None, 2), (None, 1)]
