"""Augmentation with explicit randomness, in the idiom of TensorFlow's data-augmentation tutorial and
Keras' MixUp example: a tf.random.Generator hands out seeds to tf.image.stateless_random_* ops,
labels become one-hot with tf.one_hot, and two shuffled copies of the dataset are zipped and mixed
with weights drawn by tf.random before model.fit."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

tf.random.set_seed(11)
keras.utils.set_random_seed(11)

num_classes, image_size, batch_size = 4, 16, 32
rng = np.random.default_rng(11)
labels = rng.integers(0, num_classes, size=512)
images = rng.integers(0, 60, size=(512, 20, 20, 1)).astype("uint8")
for i, label in enumerate(labels):  # a bright stripe whose row band gives the class
    images[i, 2 + 4 * label:5 + 4 * label, 3:17] = 230

generator = tf.random.Generator.from_seed(123, alg="philox")


def to_float(image, label):
    image = tf.cast(image, tf.float32) / 255.0
    return image, tf.one_hot(label, num_classes)


def augment(image_label, seed):
    image, label = image_label
    image = tf.image.resize_with_crop_or_pad(image, image_size + 4, image_size + 4)
    image = tf.image.stateless_random_crop(image, size=[image_size, image_size, 1], seed=seed)
    image = tf.image.stateless_random_brightness(image, max_delta=0.1, seed=seed)
    return tf.clip_by_value(image, 0.0, 1.0), label


def with_seed(image, label):
    seed = generator.make_seeds(2)[0]
    return augment((image, label), seed)


def mix_up(ds_one, ds_two, alpha=0.2):
    (images_one, labels_one), (images_two, labels_two) = ds_one, ds_two
    size = tf.shape(images_one)[0]
    weights = tf.random.uniform(shape=(size, 1, 1, 1), minval=0.0, maxval=alpha)
    images = images_one * (1.0 - weights) + images_two * weights
    label_weights = tf.reshape(weights, (size, 1))
    return images, labels_one * (1.0 - label_weights) + labels_two * label_weights


base = tf.data.Dataset.from_tensor_slices((images[:448], labels[:448])).map(to_float)
train_one = base.shuffle(448, seed=1).map(with_seed, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size)
train_two = base.shuffle(448, seed=2).map(with_seed, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size)
train_ds = tf.data.Dataset.zip((train_one, train_two)).map(mix_up, num_parallel_calls=tf.data.AUTOTUNE)
val_ds = (tf.data.Dataset.from_tensor_slices((images[448:], labels[448:])).map(to_float)
          .map(lambda x, y: (tf.image.resize_with_crop_or_pad(x, image_size, image_size), y)).batch(batch_size))

mixed_images, mixed_labels = next(iter(train_ds))
print("mixed batch:", tuple(mixed_images.shape), tuple(mixed_labels.shape))
print("labels sum to one:", bool(np.allclose(tf.reduce_sum(mixed_labels, axis=-1).numpy(), 1.0)))
print("same seed, same crop:", bool(np.array_equal(
    tf.image.stateless_random_crop(images[0], (8, 8, 1), seed=(1, 2)).numpy(),
    tf.image.stateless_random_crop(images[0], (8, 8, 1), seed=(1, 2)).numpy())))

model = keras.Sequential([
    keras.Input(shape=(image_size, image_size, 1)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(num_classes, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=6, verbose=2)
print("epochs run:", len(history.history["loss"]))
_, accuracy = model.evaluate(val_ds, verbose=0)
print(f"validation accuracy: {accuracy:.4f}")
