"""The TensorBoard callback can be made and used without the `tensorboard` package, as Keras' can wherever
TensorFlow runs (keras-io guides/training_with_built_in_methods.py constructs one; tutorials pass one to
fit): a plain-Python writer then writes the event files (event_file_writer.py)."""
import importlib.util

import numpy as np
import pytest

import tkeras as keras

needs_no_tensorboard = pytest.mark.skipif(importlib.util.find_spec("tensorboard") is not None,
                                          reason="the tensorboard package is installed")


@needs_no_tensorboard
def test_constructing_works_and_fit_writes_event_files(tmp_path):
    callback = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=0, embeddings_freq=0,
                                           update_freq="epoch")
    assert callback.log_dir == str(tmp_path)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0, callbacks=[callback])
    assert not all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    written = sorted(path.name for path in (tmp_path / "train").iterdir())
    assert len(written) == 1 and written[0].startswith("events.out.tfevents.")
