"""Structured data classification, Keras 3 style: a tf.data dataset of (dict of columns, label), one
keras.Input per column, Normalization / StringLookup / IntegerLookup adapted on single-column views of
the dataset, all encoded features concatenated into a small MLP trained with model.fit."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(5)

# A synthetic patient table: two numeric columns, a string category and an integer code.
rng = np.random.default_rng(5)
n = 600
table = {
    "age": rng.integers(25, 80, size=n).astype("float32"),
    "chol": rng.normal(230, 40, size=n).astype("float32"),
    "thal": rng.choice(["normal", "fixed", "reversible"], size=n),
    "cp": rng.integers(0, 4, size=n),
}
risk = (table["age"] - 50) / 15 + (table["chol"] - 230) / 40 + (table["thal"] == "reversible") * 1.5 \
    + (table["cp"] == 3) * 1.0
target = (risk + rng.normal(0, 0.5, size=n) > 1.0).astype("int64")
print("positives:", round(float(target.mean()), 3))


def dataframe_to_dataset(columns, labels):
    ds = tf.data.Dataset.from_tensor_slices((dict(columns), labels))
    return ds.shuffle(buffer_size=len(labels))


split = 500
train_ds = dataframe_to_dataset({k: v[:split] for k, v in table.items()}, target[:split]).batch(32)
val_ds = dataframe_to_dataset({k: v[split:] for k, v in table.items()}, target[split:]).batch(32)

for features, label in train_ds.take(1):
    print("columns:", sorted(features))
    print("thal sample:", features["thal"][:2], "age dtype float32:", features["age"].dtype == tf.float32)


def encode_numerical_feature(feature, name, dataset):
    normalizer = layers.Normalization()
    feature_ds = dataset.map(lambda x, y: x[name]).map(lambda x: tf.expand_dims(x, -1))
    normalizer.adapt(feature_ds)
    return normalizer(feature)


def encode_categorical_feature(feature, name, dataset, is_string):
    lookup_class = layers.StringLookup if is_string else layers.IntegerLookup
    lookup = lookup_class(output_mode="binary")
    feature_ds = dataset.map(lambda x, y: x[name]).map(lambda x: tf.expand_dims(x, -1))
    lookup.adapt(feature_ds)
    return lookup(feature)


age = keras.Input(shape=(1,), name="age")
chol = keras.Input(shape=(1,), name="chol")
thal = keras.Input(shape=(1,), name="thal", dtype="string")
cp = keras.Input(shape=(1,), name="cp", dtype="int64")
all_features = layers.concatenate([
    encode_numerical_feature(age, "age", train_ds),
    encode_numerical_feature(chol, "chol", train_ds),
    encode_categorical_feature(thal, "thal", train_ds, is_string=True),
    encode_categorical_feature(cp, "cp", train_ds, is_string=False),
])
x = layers.Dense(32, activation="relu")(all_features)
x = layers.Dropout(0.3)(x)
output = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model([age, chol, thal, cp], output)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
print("encoded width:", all_features.shape[-1])


def add_column_axis(features, label):
    return {name: tf.expand_dims(value, -1) for name, value in features.items()}, label


history = model.fit(train_ds.map(add_column_axis), epochs=20, validation_data=val_ds.map(add_column_axis), verbose=2)
print("epochs run:", len(history.history["loss"]))
_, accuracy = model.evaluate(val_ds.map(add_column_axis), verbose=0)
print(f"validation accuracy: {accuracy:.4f}")

sample = {"age": 70.0, "chol": 300.0, "thal": "reversible", "cp": 3}
input_dict = {name: tf.convert_to_tensor([[value]]) for name, value in sample.items()}  # (batch 1, column 1)
probability = float(model.predict(input_dict, verbose=0)[0][0])
print(f"high-risk sample probability above one half: {probability > 0.5}")
