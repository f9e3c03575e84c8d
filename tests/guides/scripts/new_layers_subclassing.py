"""Making new layers and models via subclassing, in the idiom of Keras 3's guide (own code)."""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)


class Linear(keras.layers.Layer):
    """Weights created in the constructor, from a known input size."""

    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


x = ops.ones((2, 2))
linear = Linear(4, 2)
y = linear(x)
print("linear:", tuple(y.shape), "weights:", len(linear.weights), linear.weights[0] is linear.w)


class RunningSum(keras.layers.Layer):
    """A non-trainable weight updated in call."""

    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


summer = RunningSum(2)
summer(ops.ones((2, 2)))
print("running sum:", ops.convert_to_numpy(summer(ops.ones((2, 2)))).tolist(),
      "trainable:", len(summer.trainable_weights), "non-trainable:", len(summer.non_trainable_weights))


class LazyLinear(keras.layers.Layer):
    """Weights deferred to build(), when the input size is known."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


lazy = LazyLinear(32)
print("lazy built on call:", tuple(lazy(x).shape), lazy.built)


class MLPBlock(keras.layers.Layer):
    """Layers made of layers: the outer layer tracks the inner ones' weights."""

    def __init__(self):
        super().__init__()
        self.linear_1 = LazyLinear(32)
        self.linear_2 = LazyLinear(32)
        self.linear_3 = LazyLinear(1)

    def call(self, inputs):
        h = ops.relu(self.linear_1(inputs))
        h = ops.relu(self.linear_2(h))
        return self.linear_3(h)


mlp = MLPBlock()
print("mlp:", tuple(mlp(ops.ones(shape=(3, 64))).shape), "weights:", len(mlp.weights),
      "trainable:", len(mlp.trainable_weights))


class EarlyBlock(keras.layers.Layer):
    """Sublayers assigned before super().__init__(): fine on Keras with TensorFlow or JAX."""

    def __init__(self):
        self.inner = layers.Dense(3)
        super().__init__()

    def call(self, inputs):
        return self.inner(inputs)


early = EarlyBlock()
early(ops.ones((1, 2)))
print("early block weights:", len(early.weights))


class ActivityRegularization(keras.layers.Layer):
    """add_loss during call: the loss shows up in layer.losses and in fit's loss."""

    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularization(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


outer = OuterLayer()
print("losses before call:", len(outer.losses))
outer(ops.zeros((1, 1)))
outer(ops.zeros((1, 1)))
print("losses after calls:", len(outer.losses))


class RegularizedDense(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


regularized = RegularizedDense()
regularized(ops.zeros((1, 1)))
print("regularization losses:", len(regularized.losses))

inputs = keras.Input(shape=(3,))
outputs = ActivityRegularization()(inputs)
penalised = keras.Model(inputs, outputs)
penalised.compile(optimizer="adam", loss="mse")
penalised.fit(rng.random((2, 3)), rng.random((2, 3)), verbose=0)
penalised.compile(optimizer="adam")  # the add_loss term alone
penalised.fit(rng.random((2, 3)), rng.random((2, 3)), verbose=0)
print("trained on add_loss alone")


@keras.saving.register_keras_serializable(package="guide")
class ConfigurableLinear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


configurable = ConfigurableLinear(64, name="configurable")
config = configurable.get_config()
print("config:", config["units"], config["name"], type(ConfigurableLinear.from_config(config)).__name__)


class SeededDropout(keras.layers.Layer):
    """The training argument and a seed generator (keras.random)."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
        return inputs


dropout = SeededDropout(0.5)
ones = ops.ones((4, 8))
print("dropout inference unchanged:", bool(ops.all(dropout(ones) == ones)),
      "training zeroes some:", bool(ops.any(dropout(ones, training=True) == 0)))


class MaskedSum(keras.layers.Layer):
    """A layer consuming a mask from Embedding(mask_zero=True)."""

    def call(self, inputs, mask=None):
        weights = ops.cast(ops.expand_dims(mask, -1), inputs.dtype)
        return ops.sum(inputs * weights, axis=1)


ids = np.array([[3, 4, 0, 0]])
embedded = layers.Embedding(10, 2, mask_zero=True, embeddings_initializer="ones")(ids)
print("masked sum:", ops.convert_to_numpy(MaskedSum()(embedded)).tolist())


# A whole model by subclassing: a small variational autoencoder.
class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(42)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        noise = keras.random.normal(shape=ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * noise


class Encoder(layers.Layer):
    def __init__(self, latent_dim=4, intermediate_dim=16, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        h = self.dense_proj(inputs)
        z_mean, z_log_var = self.dense_mean(h), self.dense_log_var(h)
        return z_mean, z_log_var, self.sampling((z_mean, z_log_var))


class Decoder(layers.Layer):
    def __init__(self, original_dim, intermediate_dim=16, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        return self.dense_output(self.dense_proj(inputs))


class VariationalAutoEncoder(keras.Model):
    def __init__(self, original_dim, intermediate_dim=16, latent_dim=4, name="autoencoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


pixels = rng.random((64, 784)).astype("float32")
vae = VariationalAutoEncoder(784, 16, 4)
vae.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=keras.losses.MeanSquaredError())
history = vae.fit(pixels, pixels, epochs=2, batch_size=32, verbose=0)
print("vae losses:", len(history.history["loss"]), "finite:", bool(np.isfinite(history.history["loss"]).all()))
print("vae weights:", len(vae.weights))
print("SUBCLASSING GUIDE OK")
