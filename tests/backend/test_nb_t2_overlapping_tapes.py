"""Two tapes opened in one `with` (tensorflow.org's DCGAN and pix2pix step: a generator tape and a
discriminator tape over the same forward pass) each answer once, as in TensorFlow.

In torch both tapes' records are one graph; the first `gradient()` must keep it while the other tape
has yet to answer. Reference: the same gradients computed with one tape per loss over its own forward
pass."""
import numpy as np

import tkeras as keras
import tkeras.compat.tf_namespace as tf


def _models():
    keras.utils.set_random_seed(3)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    return generator, discriminator


def _losses(generator, discriminator, noise):
    fake = discriminator(generator(noise))
    return tf.reduce_mean((fake - 1.0) ** 2), tf.reduce_mean(fake ** 2)


def test_two_tapes_over_one_forward_pass_both_answer():
    noise = np.random.default_rng(0).normal(size=(6, 3)).astype("float32")
    generator, discriminator = _models()
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        gen_loss, disc_loss = _losses(generator, discriminator, noise)
    gen_grads = gen_tape.gradient(gen_loss, generator.trainable_variables)
    disc_grads = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

    with tf.GradientTape() as tape:
        gen_loss, _ = _losses(generator, discriminator, noise)
    expected_gen = tape.gradient(gen_loss, generator.trainable_variables)
    with tf.GradientTape() as tape:
        _, disc_loss = _losses(generator, discriminator, noise)
    expected_disc = tape.gradient(disc_loss, discriminator.trainable_variables)
    for got, want in zip(gen_grads + disc_grads, expected_gen + expected_disc):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def test_a_tape_answers_only_once_still():
    generator, discriminator = _models()
    noise = np.ones((2, 3), "float32")
    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
        gen_loss, disc_loss = _losses(generator, discriminator, noise)
    gen_tape.gradient(gen_loss, generator.trainable_variables)
    disc_tape.gradient(disc_loss, discriminator.trainable_variables)
    try:
        gen_tape.gradient(gen_loss, generator.trainable_variables)
    except RuntimeError as error:
        assert "non-persistent" in str(error) or "once" in str(error)
    else:
        raise AssertionError("a non-persistent tape answered twice")
