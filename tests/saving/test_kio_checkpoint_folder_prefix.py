"""A TensorFlow-checkpoint prefix that names a folder (`"logs/"`): tf-keras 2 wrote its checkpoint files
inside it, and keras-io's ViT object detector hands exactly that to ModelCheckpoint(save_weights_only=True),
which saves into the (by then existing) folder every time val_loss improves."""
import os

import numpy as np

import tkeras as keras


def _model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_save_and_load_weights_with_a_folder_prefix(tmp_path):
    prefix = str(tmp_path / "logs") + "/"
    source, target = _model(0), _model(1)
    source.save_weights(prefix)
    assert os.path.isdir(prefix)
    source.save_weights(prefix)  # again, into the folder that now exists
    target.load_weights(prefix)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_saves_into_the_folder_each_improvement(tmp_path):
    prefix = str(tmp_path / "logs") + "/"
    model = _model(0)
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    checkpoint = keras.callbacks.ModelCheckpoint(prefix, monitor="loss", save_best_only=True,
                                                 save_weights_only=True)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
    restored = _model(1)
    restored.load_weights(prefix)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
