"""A tape's watch belongs to the tape: once a non-persistent tape answered, the watched constant is a plain
tensor again, so a Langevin sampler (Generative Deep Learning's EBM, run inside `train_step`) can update it
with `x += step * grads`. The energy here is linear, so every step's gradient is the kernel: NumPy gives
the expected samples."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _langevin(model, images, steps, step_size):
    for _ in range(steps):
        images = tf.clip_by_value(images, -10.0, 10.0)
        with tf.GradientTape() as tape:
            tape.watch(images)
            energy = model(images)
        grads = tape.gradient(energy, images)
        images += step_size * grads
    return images


def _linear_energy(kernel):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, use_bias=False)])
    model.layers[0].set_weights([kernel])
    return model


def test_langevin_updates_inside_train_step_match_numpy():
    kernel = np.array([[0.5], [-1.0], [2.0]], dtype="float32")
    start = np.arange(12, dtype="float32").reshape(4, 3) / 10.0
    seen = {}

    class Sampler(keras.Model):
        def __init__(self):
            super().__init__()
            self.energy = _linear_energy(kernel)

        def train_step(self, data):
            seen["samples"] = np.array(_langevin(self.energy, tf.concat([data, data], axis=0), 3, 0.1))
            return {}

    sampler = Sampler()
    sampler.compile(optimizer="sgd")
    sampler.fit(start, batch_size=4, epochs=1, shuffle=False, verbose=0)
    expected = np.concatenate([start, start]) + 3 * 0.1 * kernel[:, 0]
    np.testing.assert_allclose(seen["samples"], expected, rtol=1e-6)


def test_used_tape_leaves_its_constant_unwatched_for_the_next_tape():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as first:
        first.watch(x)
        y = tf.reduce_sum(x * x)
    np.testing.assert_allclose(first.gradient(y, x), [2.0, 4.0])
    with tf.GradientTape() as second:
        z = tf.reduce_sum(3.0 * x)
    assert second.gradient(z, x) is None


def test_second_order_through_nested_watches_still_works():
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy_dx = inner.gradient(y, x)
    np.testing.assert_allclose(dy_dx, 27.0)
    np.testing.assert_allclose(outer.gradient(dy_dx, x), 18.0)
