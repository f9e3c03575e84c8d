"""Training and evaluation with the built-in methods, in the idiom of Keras 3's guide (own code)."""
import numpy as np
import keras
from keras import layers, ops

keras.utils.set_random_seed(5)
rng = np.random.default_rng(5)

n_train, n_val = 400, 100
x_train = rng.random((n_train, 784)).astype("float32")
y_train = rng.integers(0, 10, n_train).astype("float32")
x_val, y_val = x_train[-n_val:], y_train[-n_val:]
x_train, y_train = x_train[:-n_val], y_train[:-n_val]


def get_uncompiled_model():
    inputs = keras.Input(shape=(784,), name="digits")
    h = layers.Dense(32, activation="relu", name="dense_1")(inputs)
    h = layers.Dense(32, activation="relu", name="dense_2")(h)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(h)
    return keras.Model(inputs=inputs, outputs=outputs)


def get_compiled_model():
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    return model


model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.RMSprop(), loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_data=(x_val, y_val), verbose=0)
print("history:", sorted(history.history))
results = model.evaluate(x_val, y_val, batch_size=128, verbose=0)
print("evaluate returns:", len(results))
print("predictions:", model.predict(x_val[:3], verbose=0).shape)


# A loss as a function, and as a Loss subclass with a parameter.
def mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


one_hot_train = ops.one_hot(y_train, num_classes=10)
model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.Adam(), loss=mean_squared_error)
model.fit(x_train, one_hot_train, batch_size=64, epochs=1, verbose=0)


class SmoothedMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="smoothed_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        drift = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + drift * self.regularization_factor


model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.Adam(), loss=SmoothedMSE())
model.fit(x_train, one_hot_train, batch_size=64, epochs=1, verbose=0)
print("custom losses trained")


class CategoricalTruePositives(keras.metrics.Metric):
    """Counts samples classified correctly, as a stateful metric."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(), metrics=[CategoricalTruePositives()])
history = model.fit(x_train, y_train, batch_size=64, epochs=2, verbose=0)
print("true positives per epoch:", len(history.history["categorical_true_positives"]))


class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.1)
        return inputs


inputs = keras.Input(shape=(784,), name="digits")
h = ActivityRegularizationLayer()(layers.Dense(32, activation="relu")(inputs))
outputs = layers.Dense(10, name="predictions")(layers.Dense(32, activation="relu")(h))
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
print("add_loss model trained")

model = get_compiled_model()
model.fit(x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, verbose=0)


class ArraySequence(keras.utils.PyDataset):
    """Batches served by a PyDataset (the Keras 3 successor of Sequence)."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, idx):
        rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[rows], self.y[rows]


model = get_compiled_model()
model.fit(ArraySequence(x_train, y_train, 64), epochs=1, validation_data=ArraySequence(x_val, y_val, 64), verbose=0)
print("PyDataset trained, evaluate:", len(model.evaluate(ArraySequence(x_val, y_val, 64), verbose=0)))

# Class and sample weights.
class_weight = {i: 1.0 for i in range(10)}
class_weight[5] = 2.0
model = get_compiled_model()
model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, verbose=0)
sample_weight = np.ones(shape=(len(y_train),))
sample_weight[y_train == 5] = 2.0
model = get_compiled_model()
model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, verbose=0)
print("weighted training done")

# Several inputs and outputs with per-output losses, metrics and loss weights.
image_input = keras.Input(shape=(32, 32, 3), name="img_input")
series_input = keras.Input(shape=(None, 10), name="ts_input")
x1 = layers.GlobalMaxPooling2D()(layers.Conv2D(3, 3)(image_input))
x2 = layers.GlobalMaxPooling1D()(layers.Conv1D(3, 3)(series_input))
joined = layers.concatenate([x1, x2])
score_output = layers.Dense(1, name="score_output")(joined)
class_output = layers.Dense(5, name="class_output")(joined)
multi = keras.Model(inputs=[image_input, series_input], outputs=[score_output, class_output])
multi.compile(optimizer=keras.optimizers.RMSprop(1e-3),
              loss={"score_output": keras.losses.MeanSquaredError(),
                    "class_output": keras.losses.CategoricalCrossentropy(from_logits=True)},
              metrics={"score_output": [keras.metrics.MeanAbsolutePercentageError(),
                                        keras.metrics.MeanAbsoluteError()],
                       "class_output": [keras.metrics.CategoricalAccuracy()]},
              loss_weights={"score_output": 2.0, "class_output": 1.0})
img_data = rng.random((40, 32, 32, 3)).astype("float32")
ts_data = rng.random((40, 20, 10)).astype("float32")
score_targets = rng.random((40, 1)).astype("float32")
class_targets = rng.random((40, 5)).astype("float32")
history = multi.fit({"img_input": img_data, "ts_input": ts_data},
                    {"score_output": score_targets, "class_output": class_targets}, batch_size=20, epochs=1,
                    verbose=0)
print("multi-output logs:", len(history.history))

# Callbacks: early stopping, checkpoints, a learning-rate schedule.
model = get_compiled_model()
callbacks = [
    keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=1e-2, patience=2, verbose=1),
    keras.callbacks.ModelCheckpoint(filepath="mymodel_{epoch}.keras", save_best_only=True, monitor="val_loss",
                                    verbose=1),
]
model.fit(x_train, y_train, epochs=2, batch_size=64, callbacks=callbacks, validation_split=0.2, verbose=0)
schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
model = get_uncompiled_model()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=1, batch_size=64, verbose=0)
print("TRAINING GUIDE OK")
