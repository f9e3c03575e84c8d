"""Image classification from in-memory arrays, Keras 3 style: a tf.data pipeline that converts,
resizes and augments with tf.image, feeding a small convnet through model.fit."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(42)

# Synthetic "photos": 3 classes, each with one dominant colour channel and a bright square at a
# class-dependent place, on noisy uint8 backgrounds of 28x28 pixels.
num_classes, image_size = 3, (20, 20)
rng = np.random.default_rng(0)
labels = rng.integers(0, num_classes, size=480)
pixels = rng.integers(0, 90, size=(480, 28, 28, 3)).astype("uint8")
for i, label in enumerate(labels):
    pixels[i, :, :, label] += 120
    top = 4 + 8 * label
    pixels[i, top:top + 6, 8:20] = 250
x_train, y_train = pixels[:400], labels[:400]
x_val, y_val = pixels[400:], labels[400:]


def preprocess(image, label):
    image = tf.image.convert_image_dtype(image, tf.float32)  # uint8 [0, 255] -> float32 [0, 1]
    image = tf.image.resize(image, image_size)
    return image, label


def augment(image, label):
    image = tf.image.random_flip_left_right(image)
    image = tf.image.random_brightness(image, max_delta=0.1)
    image = tf.image.random_contrast(image, lower=0.8, upper=1.2)
    return tf.clip_by_value(image, 0.0, 1.0), label


AUTOTUNE = tf.data.AUTOTUNE
train_ds = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(buffer_size=400)
    .map(preprocess, num_parallel_calls=AUTOTUNE)
    .cache()
    .map(augment, num_parallel_calls=AUTOTUNE)
    .batch(32)
    .prefetch(AUTOTUNE)
)
val_ds = (
    tf.data.Dataset.from_tensor_slices((x_val, y_val))
    .map(preprocess, num_parallel_calls=AUTOTUNE)
    .batch(32)
    .prefetch(buffer_size=AUTOTUNE)
)

images, batch_labels = next(iter(train_ds))
print("batch:", tuple(images.shape), tuple(batch_labels.shape), images.dtype == tf.float32)
print("pixel range ok:", float(tf.reduce_min(images)) >= 0.0 and float(tf.reduce_max(images)) <= 1.0)

model = keras.Sequential(
    [
        keras.Input(shape=image_size + (3,)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(train_ds, epochs=10, validation_data=val_ds, verbose=2)
print("epochs run:", len(history.history["loss"]))
print("history keys:", sorted(history.history))
loss, accuracy = model.evaluate(val_ds, verbose=0)
print(f"validation accuracy: {accuracy:.4f}")

# Inference on one new image, as the examples do: add the batch axis, read the scores.
sample = tf.image.resize(tf.image.convert_image_dtype(x_val[0], tf.float32), image_size)
scores = model.predict(tf.expand_dims(sample, 0), verbose=0)
print("predicted class:", int(np.argmax(scores[0])), "true class:", int(y_val[0]))
