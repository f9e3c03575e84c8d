"""tf-keras 2's `keras.utils.experimental.DatasetCreator` given to fit/evaluate/predict: the dataset function
is called with a one-pipeline `InputContext` and read for the given number of steps, as tf-keras 2.21 does
under its default strategy. The losses are SGD on a zero-initialised linear model, worked out by hand:
with x = [1, 1], y = 1 and learning rate 0.1, each step moves w1 = w2 = b by 0.2 * (1 - prediction)."""
import importlib

import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import tf_namespace as tf


def _dataset_fn(seen):
    def make(input_context):
        seen.append((input_context.num_input_pipelines, input_context.input_pipeline_id,
                     input_context.num_replicas_in_sync))
        features, targets = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
        return tf.data.Dataset.from_tensor_slices((features, targets)).repeat().batch(4)
    return make


def _model():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def _sgd_losses(steps):
    prediction, losses = 0.0, []
    for _ in range(steps):
        losses.append((1.0 - prediction) ** 2)
        prediction += 3 * 0.2 * (1.0 - prediction)  # two weights and the bias, each by 0.2 * error
    return losses, prediction


def test_fit_evaluate_predict_read_the_created_dataset():
    seen = []
    creator = keras.utils.experimental.DatasetCreator(_dataset_fn(seen))
    model = _model()
    history = model.fit(creator, epochs=2, steps_per_epoch=2, validation_data=creator, validation_steps=1, verbose=0)
    losses, prediction = _sgd_losses(4)
    np.testing.assert_allclose(history.history["loss"], [np.mean(losses[:2]), np.mean(losses[2:])], rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"][-1], (1.0 - prediction) ** 2, rtol=1e-4)
    np.testing.assert_allclose(model.evaluate(creator, steps=2, verbose=0), (1.0 - prediction) ** 2, rtol=1e-4)
    assert model.predict(creator, steps=1, verbose=0).shape == (4, 1)
    assert set(seen) == {(1, 0, 1)}


def test_steps_are_required_and_the_function_must_return_a_dataset():
    creator = keras.utils.experimental.DatasetCreator(_dataset_fn([]))
    with pytest.raises(ValueError, match="steps_per_epoch"):
        _model().fit(creator, epochs=1, verbose=0)
    with pytest.raises(TypeError, match="callable"):
        keras.utils.experimental.DatasetCreator(5)
    with pytest.raises(TypeError, match="must return a tf.data.Dataset"):
        keras.utils.experimental.DatasetCreator(lambda context: [1, 2])(None)


def test_old_import_path_resolves():
    module = importlib.import_module("tkeras.utils.experimental")
    assert module.DatasetCreator is keras.utils.experimental.DatasetCreator
