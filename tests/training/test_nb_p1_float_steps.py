"""A float steps_per_epoch / steps (Python Machine Learning 3rd ed., chapter 15:
`steps_per_epoch = np.ceil(16000 / BATCH_SIZE)`, a NumPy float64) runs as tf-keras 2 runs it: up to the
value, so 4.0 is 4 batches and 2.5 is 3."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def _repeated():
    features, targets = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    return tf.data.Dataset.from_tensor_slices((features, targets)).batch(2).repeat()


@pytest.mark.parametrize("steps, expected", [(np.ceil(7 / 2), 4), (2.5, 3), (np.float32(1.0), 1), (3, 3)])
def test_fit_runs_up_to_a_float_step_count(steps, expected):
    seen = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    _model().fit(_repeated(), epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[counter])
    assert seen == list(range(expected))


def test_evaluate_and_predict_take_float_steps():
    model = _model()
    assert np.isfinite(model.evaluate(_repeated(), steps=np.float64(2.0), verbose=0))
    assert model.predict(_repeated(), steps=np.float64(2.0), verbose=0).shape == (4, 1)


def test_a_step_count_that_is_not_a_positive_number_is_refused():
    with pytest.raises(ValueError, match="steps_per_epoch"):
        _model().fit(_repeated(), epochs=1, steps_per_epoch=-2.0, verbose=0)
