"""The model, data and callbacks shared by the 2-process worker and the single-process reference."""
import csv
import os

import numpy as np
import torch

import tkeras as keras


def regression_data(n=21, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype("float32")
    y = np.stack([x[:, 0] - 2 * x[:, 1], np.tanh(x[:, 2])], axis=1).astype("float32")
    return x, y


def make_model():
    # A different initialisation on every rank: fit must start from rank 0's weights.
    torch.manual_seed(100 + int(os.environ.get("RANK", "0")))
    model = keras.Sequential([keras.layers.Dense(6, activation="tanh", input_shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae"])
    return model


class ChiefCSV(keras.callbacks.Callback):
    """Writes one CSV line per epoch; `chief_only` asks tkeras.distribute to run it on rank 0 only."""

    chief_only = True

    def __init__(self, path):
        super().__init__()
        self.path = path

    def on_epoch_end(self, epoch, logs=None):
        with open(self.path, "a", newline="") as f:
            csv.writer(f).writerow([epoch, logs["loss"], logs["mae"]])


def train_reference_model(csv_dir, callbacks_extra=()):
    """21 samples in global batches of 4: the last batch has 1 sample, so rank 1 gets none then."""
    x, y = regression_data(n=21)
    vx, vy = regression_data(n=9, seed=1)
    model = make_model()
    rank = os.environ.get("RANK", "single")
    callbacks = [ChiefCSV(os.path.join(csv_dir, f"log_written_by_rank{rank}.csv"))] + list(callbacks_extra)
    if hasattr(keras.callbacks, "CSVLogger"):  # Keras' own file writer: rank 0 only, by class
        callbacks.append(keras.callbacks.CSVLogger(os.path.join(csv_dir, f"csvlogger_rank{rank}.csv")))
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0, validation_data=(vx, vy),
                        callbacks=callbacks)
    predictions = model.predict(x, batch_size=5, verbose=0)
    evaluation = model.evaluate(vx, vy, batch_size=4, verbose=0, return_dict=True)
    return history.history, model.get_weights(), predictions, evaluation


class CustomStepModel(keras.Model):
    """A Keras 2-style custom train_step that applies gradients itself (no built-in _minimize)."""

    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(5, activation="tanh")
        self.out = keras.layers.Dense(2)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data[0], data[1]
        y_pred = self(x, training=True)
        loss = ((y_pred - y) ** 2).mean()
        variables = list(self.trainable_weights)
        grads = torch.autograd.grad(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        return {"loss": loss.detach()}


def train_custom_step_model():
    """24 samples in global batches of 6 (no empty shards): returns the final weights."""
    x, y = regression_data(n=24, seed=3)
    torch.manual_seed(7 + int(os.environ.get("RANK", "0")))
    model = CustomStepModel()
    model.build((None, 3))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    return model.get_weights()


def train_batch_norm_model(synchronized):
    """9 samples in global batches of 4 (the last one leaves rank 1 empty), 2 epochs through
    Dense -> BatchNormalization -> Dense: returns the weights, moving statistics included."""
    x, y = regression_data(n=9, seed=5)
    torch.manual_seed(7 + int(os.environ.get("RANK", "0")))
    norm = (keras.layers.experimental.SyncBatchNormalization(momentum=0.5) if synchronized
            else keras.layers.BatchNormalization(momentum=0.5))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), norm, keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return model.get_weights()


def explicit_predict_worker(rank, world_size, port, out_dir):
    """Processes started by the user (not torchrun): initialize() explicitly, then predict."""
    os.environ["TKERAS_DEVICE"] = "cpu"
    torch.set_num_threads(1)
    keras.distribute.initialize(rank=rank, world_size=world_size, master_addr="127.0.0.1", master_port=port,
                                backend="gloo")
    keras.distribute.set_distribution(keras.distribute.DataParallel())
    x, _ = regression_data(n=11)
    model = predict_model(seed=rank)  # rank 1's weights differ until rank 0's are broadcast
    np.save(os.path.join(out_dir, f"explicit_rank{rank}.npy"), model.predict(x, batch_size=4, verbose=0))
    keras.distribute.shutdown()


def predict_model(seed):
    torch.manual_seed(seed)
    return keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)), keras.layers.Dense(2)])
