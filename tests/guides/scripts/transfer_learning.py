"""Transfer learning and fine-tuning, in the idiom of Keras 3's guide (own code, synthetic images).

The guide starts from an ImageNet model; without network access this script first trains its own
small base network on one synthetic task and saves it, then reuses it on a second task: freeze the
base, train a new head, unfreeze and fine-tune at a low learning rate, with BatchNormalization kept
in inference mode throughout (the `training=False` call the guide insists on).
"""
import numpy as np
import keras

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)


def images(n, task):
    """Horizontal (label 0) or vertical (label 1) stripes on noise: in all channels for the base
    network's task 0, in the green channel only, fainter, for the new task 1."""
    x = rng.random((n, 24, 24, 3)).astype("float32") * 80
    labels = rng.integers(0, 2, n)
    stripes = (np.arange(24) % 2 == 0).astype("float32") * (150 if task == 0 else 100)
    channels = slice(None) if task == 0 else slice(1, 2)
    for i, label in enumerate(labels):
        x[i, :, :, channels] += (stripes[:, None, None] if label == 0 else stripes[None, :, None])
    return x, labels.astype("float32")


# --- Layers: trainable and non-trainable weights ------------------------------------------------------
dense = keras.layers.Dense(3)
dense.build((None, 4))
print("dense weights:", len(dense.weights), "trainable:", len(dense.trainable_weights),
      "non-trainable:", len(dense.non_trainable_weights))
norm = keras.layers.BatchNormalization()
norm.build((None, 4))
print("batchnorm weights:", len(norm.weights), "trainable:", len(norm.trainable_weights),
      "non-trainable:", len(norm.non_trainable_weights))
dense.trainable = False
print("frozen dense trainable:", len(dense.trainable_weights), "non-trainable:", len(dense.non_trainable_weights))

# Freezing a layer means fit() leaves it alone.
layer1 = keras.layers.Dense(3, activation="relu")
layer2 = keras.layers.Dense(3, activation="sigmoid")
frozen_demo = keras.Sequential([keras.Input((3,)), layer1, layer2])
layer1.trainable = False
before = [w.copy() for w in layer1.get_weights()]
frozen_demo.compile(optimizer="adam", loss="mse")
frozen_demo.fit(rng.random((8, 3)), rng.random((8, 3)), verbose=0)
print("frozen layer unchanged:", all(np.array_equal(a, b) for a, b in zip(before, layer1.get_weights())))

# Setting trainable on a model sets it recursively.
inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3), keras.layers.Dense(3)])
outer = keras.Sequential([keras.Input((3,)), inner, keras.layers.Dense(2)])
inner.trainable = False
print("recursive freeze:", len(outer.trainable_weights), all(not layer.trainable for layer in inner.layers))

# --- A base network trained on task 0, then saved ----------------------------------------------------------
def make_base():
    inputs = keras.Input((24, 24, 3))
    x = keras.layers.Rescaling(1.0 / 255)(inputs)
    x = keras.layers.Conv2D(8, 3, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    return keras.Model(inputs, x, name="base")


x0, y0 = images(256, task=0)
base_model = make_base()
pretrain = keras.Sequential([base_model, keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(1, activation="sigmoid")])
pretrain.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
pretrain.fit(x0, y0, epochs=4, batch_size=32, verbose=0)
base_model.save("base_model.keras")

# --- Freeze, add a head, train on task 1 ------------------------------------------------------------------------
base_model = keras.models.load_model("base_model.keras")
base_model.trainable = False
augmentation = keras.Sequential([keras.layers.RandomFlip("horizontal")], name="augmentation")

inputs = keras.Input((24, 24, 3))
x = augmentation(inputs)
x = base_model(x, training=False)  # BatchNormalization stays in inference mode, even when fine-tuning
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
print("trainable weights with base frozen:", len(model.trainable_weights))

x1, y1 = images(256, task=1)
xv, yv = images(64, task=1)
model.compile(optimizer=keras.optimizers.Adam(5e-2), loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy()])
frozen_kernel = base_model.layers[2].get_weights()[0].copy()
moving_mean = base_model.layers[3].moving_mean.numpy().copy()
history = model.fit(x1, y1, epochs=8, batch_size=32, validation_data=(xv, yv), verbose=0)
print("head trained, base unchanged:", np.array_equal(frozen_kernel, base_model.layers[2].get_weights()[0]))
print("batchnorm statistics unchanged:", np.array_equal(moving_mean, base_model.layers[3].moving_mean.numpy()))
print("history:", sorted(history.history))

# --- Fine-tune the whole model at a low learning rate ------------------------------------------------------------
base_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.BinaryAccuracy()])  # recompile after changing trainable
print("trainable weights when fine-tuning:", len(model.trainable_weights))
model.fit(x1, y1, epochs=1, batch_size=32, validation_data=(xv, yv), verbose=0)
print("fine-tuning moved the base:", not np.array_equal(frozen_kernel, base_model.layers[2].get_weights()[0]))
print("batchnorm still in inference mode:", np.array_equal(moving_mean, base_model.layers[3].moving_mean.numpy()))
loss, accuracy = model.evaluate(xv, yv, verbose=0)
print(f"validation accuracy: {accuracy:.3f}")
print("GUIDE OK")
