"""Keras 2 and 3 run the progress bar after the user's callbacks (and History): "Epoch 2/2" follows what
their on_epoch_begin prints, and the epoch's line shows the logs their on_epoch_end adds (keras-io's
PointNet segmentation example schedules the learning rate; Keras' line then ends `- learning_rate: ...`)."""
import numpy as np

import tkeras as keras


class PrintsAndLogs(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        print(f"user begins {epoch}")

    def on_epoch_end(self, epoch, logs=None):
        print(f"user ends {epoch}")
        logs["extra"] = 0.25


def test_bar_runs_after_the_users_callbacks(capsys):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch: 0.5 ** (epoch + 1))
    history = model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=2,
                        callbacks=[PrintsAndLogs(), scheduler])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == [
        "user begins 0", "Epoch 1/2", "user ends 0", "2/2", "user begins 1", "Epoch 2/2", "user ends 1", "2/2"]
    assert " - extra: 0.2500 - learning_rate: 0.5000 - " in lines[3]
    assert " - learning_rate: 0.2500 - " in lines[7]
    assert history.history["extra"] == [0.25, 0.25]
    assert history.history["learning_rate"] == [0.5, 0.25]
