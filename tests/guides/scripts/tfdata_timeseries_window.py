"""Timeseries forecasting with window datasets, Keras 3 style: keras.utils.timeseries_dataset_from_array
for the training windows, the tf.data `window`/`flat_map` idiom for a second view of the same series,
and an LSTM trained with model.fit on them."""
import numpy as np
import tensorflow as tf
import keras
from keras import layers

keras.utils.set_random_seed(3)

# Two features sampled every step: a slow sine and a noisy copy shifted in phase; the target is the
# first feature `horizon` steps after the end of each window.
steps = np.arange(1200, dtype="float32")
series = np.stack([np.sin(steps / 12.0), np.sin(steps / 12.0 + 1.0) + 0.1 * np.random.randn(1200)], axis=-1)
series = series.astype("float32")
mean, std = series[:800].mean(axis=0), series[:800].std(axis=0)
series = (series - mean) / std

sequence_length, horizon, batch_size = 24, 3, 64
targets = series[sequence_length + horizon - 1:, 0]
train_ds = keras.utils.timeseries_dataset_from_array(
    series[:800], targets[:800], sequence_length=sequence_length, batch_size=batch_size, shuffle=True, seed=3)
val_ds = keras.utils.timeseries_dataset_from_array(
    series[800:-(sequence_length + horizon - 1)], targets[800:], sequence_length=sequence_length,
    batch_size=batch_size)

for inputs, target in train_ds.take(1):
    print("input shape:", tuple(inputs.shape), "target shape:", tuple(target.shape))


# The same windows built by hand with tf.data: window -> flat_map(batch) -> split into (x, y).
def make_windows(data, length, shift=1):
    ds = tf.data.Dataset.from_tensor_slices(data)
    ds = ds.window(length + horizon, shift=shift, drop_remainder=True)
    ds = ds.flat_map(lambda window: window.batch(length + horizon))
    return ds.map(lambda w: (w[:length], w[-1, 0]), num_parallel_calls=tf.data.AUTOTUNE)


manual = make_windows(series[:200], sequence_length)
first_x, first_y = next(iter(manual))
print("manual window matches:", bool(np.allclose(first_x.numpy(), series[:sequence_length])),
      bool(np.isclose(float(first_y), targets[0])))
manual_train = manual.shuffle(256).batch(batch_size).prefetch(tf.data.AUTOTUNE)
print("manual batches:", len(list(manual_train)))

model = keras.Sequential([
    keras.Input(shape=(sequence_length, 2)),
    layers.LSTM(16),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
history = model.fit(train_ds, epochs=8, validation_data=val_ds, verbose=2)
print("epochs run:", len(history.history["loss"]))
model.fit(manual_train, epochs=1, verbose=0)
val_mse, val_mae = model.evaluate(val_ds, verbose=0)
naive = float(np.mean(np.abs(series[800 + sequence_length - 1:-horizon, 0] - targets[800:])))
print(f"validation mae: {val_mae:.4f} naive mae: {naive:.4f}")
predictions = model.predict(val_ds, verbose=0)
print("predictions:", predictions.shape)
