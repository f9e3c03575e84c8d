"""Text classification from raw strings, Keras 3 style: a tf.data dataset of (text, label) pairs, a
custom standardization with tf.strings, TextVectorization adapted on the text-only dataset, the
vectorization mapped into the pipeline for training, then an end-to-end model on raw strings."""
import re
import string

import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(7)

# Synthetic movie reviews: sentiment words mixed into neutral filler, with HTML line breaks and
# punctuation that the standardization has to remove.
positive = ["great", "wonderful", "moving", "brilliant", "fun", "superb"]
negative = ["awful", "boring", "dull", "terrible", "weak", "messy"]
filler = ["the", "film", "plot", "actors", "story", "was", "and", "a", "really", "ending"]
rng = np.random.default_rng(1)


def review(label):
    words = list(rng.choice(filler, size=8)) + list(rng.choice(positive if label else negative, size=2))
    rng.shuffle(words)
    return " ".join(words).capitalize() + "!<br /><br />" + rng.choice(["Yes.", "Well...", "(Really)"])


labels = rng.integers(0, 2, size=600)
texts = [review(label) for label in labels]
raw_train_ds = tf.data.Dataset.from_tensor_slices((texts[:500], labels[:500])).shuffle(500).batch(32)
raw_val_ds = tf.data.Dataset.from_tensor_slices((texts[500:], labels[500:])).batch(32)

for text_batch, label_batch in raw_train_ds.take(1):
    print("first review:", text_batch[0])
    print("first label:", int(label_batch[0]))


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


max_features, sequence_length = 200, 16
vectorize_layer = layers.TextVectorization(
    standardize=custom_standardization,
    max_tokens=max_features,
    output_mode="int",
    output_sequence_length=sequence_length,
)
text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)
print("vocabulary size:", len(vectorize_layer.get_vocabulary()))
print("has html or punctuation tokens:",
      any(("<" in token or "!" in token) for token in vectorize_layer.get_vocabulary()))


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
ids, _ = next(iter(train_ds))
print("vectorized batch:", tuple(ids.shape))

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, 16)(inputs)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.2)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02), metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=10, verbose=2)
print("epochs run:", len(history.history["loss"]))

# An end-to-end model that takes raw strings.
string_input = keras.Input(shape=(1,), dtype="string")
end_to_end = keras.Model(string_input, model(vectorize_layer(string_input)))
end_to_end.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
loss, accuracy = end_to_end.evaluate(raw_val_ds, verbose=0)
print(f"end-to-end accuracy: {accuracy:.4f}")
scores = end_to_end.predict(tf.constant([["A brilliant and superb film!"], ["Dull, boring, awful."]]), verbose=0)
print("positive > negative:", bool(scores[0, 0] > scores[1, 0]))
