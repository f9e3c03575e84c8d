"""Customizing what happens in fit() with PyTorch, in the idiom of Keras 3's guide (own code)."""
import os

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import torch
import keras
from keras import layers

keras.utils.set_random_seed(21)
rng = np.random.default_rng(21)
print("backend:", keras.backend.backend())
assert keras.backend.backend() == "torch"

x = rng.random((256, 32)).astype("float32")
y = (x[:, :1] * 2.0 + 0.5).astype("float32")


class CustomModel(keras.Model):
    """The torch branch of a train step: zero_grad, backward, optimizer.apply under no_grad."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
model = CustomModel(inputs, layers.Dense(1)(inputs))
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
history = model.fit(x, y, epochs=3, verbose=0)
print("custom step logs:", sorted(history.history), "loss falls:", history.history["loss"][-1] < history.history["loss"][0])


class LowLevelModel(keras.Model):
    """Its own loss function and trackers, listed in `metrics` so fit resets them each epoch."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.loss_fn(y, y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


inputs = keras.Input(shape=(32,))
low_level = LowLevelModel(inputs, layers.Dense(1)(inputs))
low_level.compile(optimizer="adam")  # no loss or metrics passed to compile
history = low_level.fit(x, y, epochs=2, verbose=0)
print("low-level logs:", sorted(history.history))


class WeightedModel(keras.Model):
    """Sample weights unpacked from the batch and passed to compute_loss."""

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
weighted = WeightedModel(inputs, layers.Dense(1)(inputs))
weighted.compile(optimizer="adam", loss="mse", metrics=["mae"])
history = weighted.fit(x, y, sample_weight=rng.random(len(x)), epochs=2, verbose=0)
print("weighted logs:", sorted(history.history))


class EvaluatingModel(keras.Model):
    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
evaluating = EvaluatingModel(inputs, layers.Dense(1)(inputs))
evaluating.compile(loss="mse", metrics=["mae"])
print("custom evaluate:", sorted(evaluating.evaluate(x, y, verbose=0, return_dict=True)))


# A small GAN: two optimizers, a generator and a discriminator, one custom step.
latent_dim = 8
discriminator = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, strides=2, padding="same"),
                                  layers.LeakyReLU(negative_slope=0.2), layers.GlobalMaxPooling2D(), layers.Dense(1)],
                                 name="discriminator")
generator = keras.Sequential([keras.Input(shape=(latent_dim,)), layers.Dense(7 * 7 * 8),
                              layers.LeakyReLU(negative_slope=0.2), layers.Reshape((7, 7, 8)),
                              layers.Conv2DTranspose(8, 4, strides=2, padding="same"),
                              layers.LeakyReLU(negative_slope=0.2),
                              layers.Conv2DTranspose(8, 4, strides=2, padding="same"),
                              layers.LeakyReLU(negative_slope=0.2),
                              layers.Conv2D(1, 7, padding="same", activation="sigmoid")], name="generator")


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        device = "cuda" if torch.cuda.is_available() else "cpu"
        if isinstance(real_images, tuple) and len(real_images) == 2:
            real_images = real_images[0]
        batch_size = real_images.shape[0]
        noise = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        generated = self.generator(noise)
        combined = torch.concat([generated, real_images], axis=0)
        labels = torch.concat([torch.ones((batch_size, 1), device=device),
                               torch.zeros((batch_size, 1), device=device)], axis=0)
        labels += 0.05 * keras.random.uniform(labels.shape, seed=self.seed_generator)

        self.zero_grad()
        d_loss = self.loss_fn(labels, self.discriminator(combined))
        d_loss.backward()
        grads = [v.value.grad for v in self.discriminator.trainable_weights]
        with torch.no_grad():
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        noise = keras.random.normal(shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        misleading = torch.zeros((batch_size, 1), device=device)
        self.zero_grad()
        g_loss = self.loss_fn(misleading, self.discriminator(self.generator(noise)))
        g_loss.backward()
        grads = [v.value.grad for v in self.generator.trainable_weights]
        with torch.no_grad():
            self.g_optimizer.apply(grads, self.generator.trainable_weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


digits = rng.random((64, 28, 28, 1)).astype("float32")
dataloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(digits),
                                                                        torch.zeros(64)), batch_size=32)
gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=3e-4), g_optimizer=keras.optimizers.Adam(learning_rate=3e-4),
            loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
history = gan.fit(dataloader, epochs=1, verbose=0)
print("gan logs:", sorted(history.history))
print("CUSTOM FIT TORCH GUIDE OK")
