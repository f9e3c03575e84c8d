"""`compile` fixes which layers train (Keras 2 / tf-keras 2, and what Keras 3's transfer-learning guide
states): the GAN pattern of "Deep Learning with Python" and the Keras 2 GAN repositories, where the
discriminator is frozen after its own compile and before the combined model's. Also Keras 2's
`callback.validation_data`."""
import numpy as np

import tkeras as keras


def _gan(seed=0):
    keras.utils.set_random_seed(seed)
    z = keras.Input((4,))
    generator = keras.Model(z, keras.layers.Dense(6, activation="tanh")(z))
    image = keras.Input((6,))
    discriminator = keras.Model(image, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(5)(image)))
    discriminator.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    discriminator.trainable = False
    gan_input = keras.Input((4,))
    gan = keras.Model(gan_input, discriminator(generator(gan_input)))
    gan.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
    return generator, discriminator, gan


def _changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_discriminator_trains_alone_and_stays_frozen_in_the_combined_model():
    generator, discriminator, gan = _gan()
    rng = np.random.default_rng(0)
    d_before, g_before = discriminator.get_weights(), generator.get_weights()
    discriminator.train_on_batch(rng.random((8, 6)), np.ones((8, 1)))
    d_after = discriminator.get_weights()
    assert _changed(d_before, d_after)  # compiled while trainable: it trains (Keras 3 trains nothing here)
    assert discriminator.trainable is False and discriminator.layers[1].trainable is False  # flags restored
    gan.train_on_batch(rng.random((8, 4)), np.zeros((8, 1)))
    assert not _changed(d_after, discriminator.get_weights())  # frozen when the GAN was compiled
    assert _changed(g_before, generator.get_weights())
    history = discriminator.fit(rng.random((8, 6)), np.ones((8, 1)), epochs=1, verbose=0)
    assert _changed(d_after, discriminator.get_weights()) and len(history.history["loss"]) == 1


def test_recompiling_takes_the_new_flags():
    _, discriminator, _ = _gan()
    discriminator.compile(optimizer="sgd", loss="binary_crossentropy")  # frozen now, as Keras 3 asks
    before = discriminator.get_weights()
    discriminator.train_on_batch(np.ones((4, 6)), np.ones((4, 1)))
    assert not _changed(before, discriminator.get_weights())


def test_callbacks_see_the_validation_arrays_as_in_keras2():
    seen = []

    class FirstSample(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append([np.asarray(v) for v in self.validation_data])

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x_val, y_val = np.arange(12, dtype="float32").reshape(4, 3), np.arange(4, dtype="float32")
    model.fit(np.ones((8, 3)), np.ones(8), validation_data=(x_val, y_val), epochs=1, verbose=0,
              callbacks=[FirstSample()])
    inputs, targets, weights = seen[0]
    np.testing.assert_array_equal(inputs, x_val)
    np.testing.assert_array_equal(targets, y_val)
    np.testing.assert_array_equal(weights, np.ones(4))
