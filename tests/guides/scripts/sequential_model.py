"""The Sequential model, in the idiom of Keras 3's guide (own code, synthetic data)."""
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)

# A plain stack, called on data: weights appear on the first call.
model = keras.Sequential([
    layers.Dense(2, activation="relu", name="layer1"),
    layers.Dense(3, activation="relu", name="layer2"),
    layers.Dense(4, name="layer3"),
])
print("weights before the first call:", len(model.weights))
y = model(np.ones((3, 3), "float32"))
print("output:", tuple(y.shape), "weights after:", len(model.weights))
print("layer names:", [layer.name for layer in model.layers])

# Built up with add(), trimmed with pop().
stack = keras.Sequential(name="stack")
stack.add(layers.Dense(2, activation="relu"))
stack.add(layers.Dense(3, activation="relu"))
stack.add(layers.Dense(4))
stack.pop()
print("after pop:", len(stack.layers))

# Declaring the input shape up front: summary works before any data.
declared = keras.Sequential()
declared.add(keras.Input(shape=(4,)))
declared.add(layers.Dense(2, activation="relu"))
print("declared weights:", [tuple(w.shape) for w in declared.weights])
declared.summary()

# Debugging a conv stack with summary() while adding layers.
convnet = keras.Sequential()
convnet.add(keras.Input(shape=(64, 64, 3)))
convnet.add(layers.Conv2D(8, 5, strides=2, activation="relu"))
convnet.add(layers.Conv2D(8, 3, activation="relu"))
convnet.add(layers.MaxPooling2D(3))
print("feature map:", convnet.output_shape)
convnet.add(layers.Conv2D(8, 3, activation="relu"))
convnet.add(layers.GlobalMaxPooling2D())
convnet.add(layers.Dense(10))
convnet.summary()

# Feature extraction from a Sequential model.
extractor = keras.Model(inputs=convnet.inputs, outputs=[layer.output for layer in convnet.layers])
features = extractor(rng.random((1, 64, 64, 3)).astype("float32"))
print("extracted:", len(features), tuple(features[-1].shape))
middle = keras.Model(inputs=convnet.inputs, outputs=convnet.get_layer(index=2).output)
print("middle features:", tuple(middle(np.ones((1, 64, 64, 3), "float32")).shape))

# Transfer learning: freeze all layers but the last.
transfer = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu"),
                             layers.Dense(32, activation="relu"), layers.Dense(10)])
for layer in transfer.layers[:-1]:
    layer.trainable = False
transfer.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
frozen_before = [w.copy() for w in transfer.layers[0].get_weights()]
transfer.fit(rng.random((64, 784)).astype("float32"), rng.integers(0, 10, 64), epochs=2, verbose=0)
unchanged = all(np.array_equal(a, b) for a, b in zip(frozen_before, transfer.layers[0].get_weights()))
print("trainable weights:", len(transfer.trainable_weights), "frozen layer unchanged:", unchanged)

# Images without a channel axis (as mnist.load_data() returns them) into a model declared with one.
digits = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(4, 3, activation="relu"),
                           layers.Flatten(), layers.Dense(10, activation="softmax")])
digits.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
digits.fit(rng.random((32, 28, 28)).astype("float32"), rng.integers(0, 10, 32), batch_size=16, epochs=1, verbose=0)
print("digits predict:", digits.predict(rng.random((2, 28, 28)).astype("float32"), verbose=0).shape)
print("SEQUENTIAL GUIDE OK")
