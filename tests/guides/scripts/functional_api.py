"""The functional API, written the way Keras 3's guide teaches it (own code, small synthetic data)."""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)

# A digit classifier on flattened 28x28 images; the pixels arrive as uint8 as from mnist.load_data().
images = rng.integers(0, 256, (256, 28, 28), dtype=np.uint8)
labels = rng.integers(0, 10, 256)
x = images.reshape(256, 784).astype("float32") / 255
inputs = keras.Input(shape=(784,), name="digits")
hidden = layers.Dense(64, activation="relu")(inputs)
hidden = layers.Dense(64, activation="relu")(hidden)
outputs = layers.Dense(10)(hidden)
model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_mlp")
model.summary()
print("input shape:", inputs.shape, "dtype:", inputs.dtype)
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
history = model.fit(x, labels, batch_size=64, epochs=2, validation_split=0.2, verbose=2)
scores = model.evaluate(x, labels, verbose=0)
print("test loss/accuracy:", len(scores), "history keys:", sorted(history.history))

model.save("mnist_mlp.keras")
restored = keras.models.load_model("mnist_mlp.keras")
print("restored predictions match:", np.allclose(restored.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0),
                                                 atol=1e-6))

# One graph of layers, several models: an autoencoder from an encoder and a decoder.
encoder_input = keras.Input(shape=(28, 28, 1), name="img")
h = layers.Conv2D(8, 3, activation="relu")(encoder_input)
h = layers.MaxPooling2D(2)(h)
h = layers.Conv2D(4, 3, activation="relu")(h)
encoder_output = layers.GlobalMaxPooling2D()(h)
encoder = keras.Model(encoder_input, encoder_output, name="encoder")
decoder_input = keras.Input(shape=(4,), name="encoded_img")
g = layers.Reshape((2, 2, 1))(decoder_input)
g = layers.Conv2DTranspose(8, 3, activation="relu")(g)
g = layers.UpSampling2D(7)(g)
decoder_output = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(g)
decoder = keras.Model(decoder_input, decoder_output, name="decoder")
autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)), name="autoencoder")
pixels = images.astype("float32") / 255  # (n, 28, 28): no channel axis, Keras adds it for Input((28, 28, 1))
print("autoencoder output:", autoencoder.predict(pixels[:4], verbose=0).shape)

# Ensembling: models called like layers.
def small_model():
    i = keras.Input(shape=(128,))
    return keras.Model(i, layers.Dense(1)(i))

members = [small_model() for _ in range(3)]
ensemble_input = keras.Input(shape=(128,))
ensemble = keras.Model(ensemble_input, layers.average([m(ensemble_input) for m in members]))
print("ensemble output:", ensemble(np.ones((2, 128), "float32")).shape)

# Several inputs and outputs: ticket priority and department from title, body and tags.
num_tags, num_words, num_departments = 12, 1000, 4
title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")
title_features = layers.LSTM(16)(layers.Embedding(num_words, 16)(title_input))
body_features = layers.LSTM(8)(layers.Embedding(num_words, 16)(body_input))
merged = layers.concatenate([title_features, body_features, tags_input])
priority = layers.Dense(1, name="priority")(merged)
department = layers.Dense(num_departments, name="department")(merged)
tickets = keras.Model(inputs=[title_input, body_input, tags_input], outputs={"priority": priority,
                                                                            "department": department})
tickets.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                      "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                loss_weights={"priority": 1.0, "department": 0.2})
title_data = rng.integers(0, num_words, (64, 10))
body_data = rng.integers(0, num_words, (64, 30))
tags_data = rng.integers(0, 2, (64, num_tags)).astype("float32")
priority_targets = rng.random((64, 1))
dept_targets = rng.integers(0, 2, (64, num_departments))
tickets.fit({"title": title_data, "body": body_data, "tags": tags_data},
            {"priority": priority_targets, "department": dept_targets}, epochs=2, batch_size=32, verbose=0)
print("ticket outputs:", sorted(tickets.output_names))

# A toy ResNet: non-linear topology with Add.
res_in = keras.Input(shape=(32, 32, 3), name="img")
r = layers.Conv2D(8, 3, activation="relu")(res_in)
block_1_output = layers.MaxPooling2D(3)(layers.Conv2D(8, 3, activation="relu")(r))
r = layers.Conv2D(8, 3, activation="relu", padding="same")(block_1_output)
r = layers.Conv2D(8, 3, activation="relu", padding="same")(r)
block_2_output = layers.add([r, block_1_output])
r = layers.GlobalAveragePooling2D()(layers.Conv2D(8, 3, activation="relu")(block_2_output))
res_out = layers.Dense(10)(layers.Dropout(0.5)(layers.Dense(16, activation="relu")(r)))
resnet = keras.Model(res_in, res_out, name="toy_resnet")
resnet.compile(optimizer="rmsprop", loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["acc"])
cifar_x = rng.integers(0, 256, (32, 32, 32, 3)).astype("float32") / 255
cifar_y = keras.utils.to_categorical(rng.integers(0, 10, (32, 1)), 10)
resnet.fit(cifar_x, cifar_y, batch_size=16, epochs=1, validation_split=0.25, verbose=0)
print("resnet layers:", len(resnet.layers))

# Shared layers and feature extraction from the graph.
shared_embedding = layers.Embedding(1000, 8)
text_a, text_b = keras.Input(shape=(None,), dtype="int32"), keras.Input(shape=(None,), dtype="int32")
encoded_a, encoded_b = shared_embedding(text_a), shared_embedding(text_b)
print("shared embedding nodes:", len(shared_embedding._inbound_nodes) >= 2)
feature_extractor = keras.Model(inputs=resnet.inputs, outputs=[layer.output for layer in resnet.layers])
print("features:", len(feature_extractor(cifar_x[:2])))


# A custom layer in a functional model, serialisable through get_config.
@keras.saving.register_keras_serializable(package="guide")
class CustomDense(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


custom_in = keras.Input((4,))
custom_model = keras.Model(custom_in, CustomDense(10)(custom_in))
rebuilt = keras.Model.from_config(custom_model.get_config(), custom_objects={"CustomDense": CustomDense})
print("custom layer rebuilt:", type(rebuilt.layers[-1]).__name__, rebuilt.output_shape)
print("FUNCTIONAL GUIDE OK")
