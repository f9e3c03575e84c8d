"""Customizing saving and serialization, in the idiom of Keras 3's guide (own code, synthetic data).

The four hooks a layer or model can override: its own variables (save_own_variables /
load_own_variables), its assets (save_assets / load_assets), how it is built again
(get_build_config / build_from_config) and how it is compiled again (get_compile_config /
compile_from_config).
"""
import os

import numpy as np
import keras

keras.utils.set_random_seed(11)


@keras.saving.register_keras_serializable(package="guide")
class CountingDense(keras.layers.Dense):
    """A Dense that also keeps a call counter as a plain NumPy value, saved beside its weights."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.calls_seen = np.zeros((), "int64")

    def call(self, inputs):
        self.calls_seen = self.calls_seen + 1
        return super().call(inputs)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["calls_seen"] = np.asarray(self.calls_seen)

    def load_own_variables(self, store):
        self.calls_seen = np.asarray(store["calls_seen"])
        own = {key: store[key] for key in store.keys() if key != "calls_seen"}
        super().load_own_variables(own)


@keras.saving.register_keras_serializable(package="guide")
class WordIndex(keras.layers.Layer):
    """Maps words to ids from a vocabulary it writes as a text asset, not into its config."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary = []

    def adapt(self, words):
        self.vocabulary = sorted(set(words))

    def lookup(self, words):
        index = {word: i + 1 for i, word in enumerate(self.vocabulary)}
        return np.array([index.get(word, 0) for word in words])

    def call(self, inputs):
        return inputs

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(self.vocabulary))

    def load_assets(self, dir_path):
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as handle:
            self.vocabulary = handle.read().split("\n")


@keras.saving.register_keras_serializable(package="guide")
class LazyProjection(keras.layers.Layer):
    """Builds its weights from a size it records in its build config, not from an input shape."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.input_size = input_shape[-1]
        self.kernel = self.add_weight(shape=(self.input_size, self.units), initializer="ones", name="kernel")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.kernel)

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    def get_build_config(self):
        return {"input_size": self.input_size}

    def build_from_config(self, config):
        self.build((None, config["input_size"]))


@keras.saving.register_keras_serializable(package="guide")
class RememberedCompile(keras.Model):
    """A subclassed model that records its compile arguments and rebuilds them on load."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def compile(self, learning_rate=0.01, **kwargs):
        self.learning_rate = learning_rate
        super().compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", **kwargs)

    def get_compile_config(self):
        return {"learning_rate": self.learning_rate}

    def compile_from_config(self, config):
        self.compile(learning_rate=config["learning_rate"])


# --- save_own_variables / load_own_variables --------------------------------------------------------------
counting = CountingDense(2)
x = np.ones((1, 4), "float32")
for _ in range(3):
    counting(x)
model = keras.Sequential([keras.Input((4,)), counting])
model.save("counting.keras")
restored = keras.models.load_model("counting.keras")
print("counter restored:", int(restored.layers[0].calls_seen))
print("dense weights restored:", np.allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0)))

# --- save_assets / load_assets --------------------------------------------------------------------------
words = WordIndex()
words.adapt(["pear", "apple", "fig", "apple"])
word_model = keras.Sequential([words])
word_model.save("words.keras")
loaded_words = keras.models.load_model("words.keras").layers[0]
print("vocabulary from assets:", loaded_words.vocabulary)
print("lookup:", loaded_words.lookup(["fig", "kiwi", "pear"]).tolist())

# --- get_build_config / build_from_config ---------------------------------------------------------------
lazy = LazyProjection(units=2)
lazy(np.ones((1, 5), "float32"))
config = keras.layers.serialize(lazy)
print("build config:", config["build_config"])
rebuilt = keras.layers.deserialize(config)
print("rebuilt before any call:", rebuilt.built, [tuple(w.shape) for w in rebuilt.weights])
lazy_in = keras.Input((5,))
keras.Model(lazy_in, lazy(lazy_in)).save("lazy.keras")
lazy_back = keras.models.load_model("lazy.keras").layers[-1]
print("loaded layer kernel:", tuple(lazy_back.kernel.shape))

# --- get_compile_config / compile_from_config -----------------------------------------------------------
remembered = RememberedCompile()
remembered.compile(learning_rate=0.05)
data = np.random.default_rng(0).random((32, 3)).astype("float32")
remembered.fit(data, data.sum(axis=1, keepdims=True), epochs=1, batch_size=8, verbose=0)
remembered.save("remembered.keras")
back = keras.models.load_model("remembered.keras")
print("compiled again with:", type(back.optimizer).__name__, round(float(back.optimizer.learning_rate), 4),
      back.learning_rate)
print("predictions match:", np.allclose(back.predict(data, verbose=0), remembered.predict(data, verbose=0),
                                        atol=1e-6))
print("GUIDE OK")
