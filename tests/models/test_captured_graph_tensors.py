"""Keras 2 code that uses a model's intermediate tensors by value in code run on each batch: the VAE loss
closure of the Keras blog (`compile(loss=vae_loss)` reading `z_mean`/`z_log_var` from the script) and
"Deep Learning with Python"'s custom layer that adds the VAE loss in `call`. The losses are checked
against the same formulas computed in NumPy from the sub-models' predictions."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import backend as K

LATENT = 2


def _encoder_decoder(seed):
    keras.utils.set_random_seed(seed)
    x = keras.Input((6,))
    h = keras.layers.Dense(5, activation="relu")(x)
    z_mean = keras.layers.Dense(LATENT)(h)
    z_log_var = keras.layers.Dense(LATENT)(h)

    def sampling(args):  # epsilon of zero: a deterministic z, for exact reference numbers
        mean, log_var = args
        return mean + K.exp(log_var / 2) * K.random_normal(shape=(K.shape(mean)[0], LATENT), stddev=0.0)

    z = keras.layers.Lambda(sampling)([z_mean, z_log_var])
    decoded = keras.layers.Dense(6, activation="sigmoid")(keras.layers.Dense(5, activation="relu")(z))
    return x, z_mean, z_log_var, decoded


def _reference(x_data, z_mean_value, z_log_var_value, decoded_value):
    eps = 1e-7
    p = np.clip(decoded_value, eps, 1 - eps)
    xent = -np.mean(x_data * np.log(p) + (1 - x_data) * np.log(1 - p), axis=-1)
    kl = -0.5 * np.sum(1 + z_log_var_value - z_mean_value ** 2 - np.exp(z_log_var_value), axis=-1)
    return np.mean(xent * 6 + kl)


def test_compiled_loss_closure_over_graph_tensors_trains_and_evaluates():
    x, z_mean, z_log_var, decoded = _encoder_decoder(0)

    def vae_loss(x_true, x_decoded):
        xent_loss = 6 * keras.metrics.binary_crossentropy(x_true, x_decoded)
        kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        return K.mean(xent_loss + kl_loss)

    vae = keras.Model(x, decoded)
    vae.compile(optimizer="rmsprop", loss=vae_loss)
    data = np.random.default_rng(0).random((16, 6)).astype("float32")
    built = []

    class Latents(keras.callbacks.Callback):  # a callback builds a graph on those tensors during fit
        def on_epoch_end(self, epoch, logs=None):
            built.append(K.function([x], [z_mean + 1])([data])[0])

    history = vae.fit(data, data, batch_size=8, epochs=2, verbose=0, callbacks=[Latents()])
    assert len(built) == 2 and built[-1].shape == (16, LATENT)
    assert np.isfinite(history.history["loss"]).all()
    stats = keras.Model(x, [z_mean, z_log_var, decoded]).predict(data, verbose=0)
    assert vae.evaluate(data, data, batch_size=16, verbose=0) == pytest.approx(_reference(data, *stats), rel=1e-4)
    # After training, ops on those tensors build graphs again.
    doubled = K.function([x], [z_mean * 2])([data])[0]
    np.testing.assert_allclose(doubled, 2 * stats[0], rtol=1e-5)


def test_custom_layer_reading_graph_tensors_adds_its_loss():
    x, z_mean, z_log_var, decoded = _encoder_decoder(1)

    class VariationalLoss(keras.layers.Layer):
        def call(self, inputs):
            x_true, x_decoded = inputs
            xent_loss = 6 * keras.metrics.binary_crossentropy(K.flatten(x_true), K.flatten(x_decoded))
            kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
            self.add_loss(K.mean(xent_loss + kl_loss), inputs=inputs)  # Keras 2's signature
            return x_true

    vae = keras.Model(x, VariationalLoss()([x, decoded]))
    vae.compile(optimizer="rmsprop", loss=None)
    data = np.random.default_rng(1).random((8, 6)).astype("float32")
    history = vae.fit(data, None, batch_size=8, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    stats = keras.Model(x, [z_mean, z_log_var, decoded]).predict(data, verbose=0)
    xent = 6 * np.mean(-(data * np.log(np.clip(stats[2], 1e-7, 1 - 1e-7))
                         + (1 - data) * np.log(np.clip(1 - stats[2], 1e-7, 1 - 1e-7))), axis=-1)
    kl = -0.5 * np.sum(1 + stats[1] - stats[0] ** 2 - np.exp(stats[1]), axis=-1)
    expected = np.mean(xent) + np.mean(kl)  # the layer flattens the batch before the crossentropy
    assert vae.evaluate(data, None, batch_size=8, verbose=0) == pytest.approx(expected, rel=1e-4)
