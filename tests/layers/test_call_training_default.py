"""A layer whose `call` says `training=True` runs in training mode when nobody says otherwise (Keras 3
resolves `training` from the call, then the outer call, then call's own default): its symbolic output
shape, an eager call and a model call follow that default; fit/predict still decide for it. Expected
shapes are those Keras 3.15.1 (TensorFlow backend) gives for the same layer."""
import numpy as np

import tkeras as keras


class _DoublesWhenTraining(keras.layers.Layer):
    def call(self, x, training=True):
        return keras.ops.concatenate([x, x], -1) if training else x


class _DoublesWhenTrainingNoneDefault(keras.layers.Layer):
    def call(self, x, training=None):
        return keras.ops.concatenate([x, x], -1) if training else x


def test_signature_default_true_applies_when_nothing_is_given():
    inputs = keras.Input((None, 1))
    assert tuple(_DoublesWhenTraining()(inputs).shape) == (None, None, 2)
    x = np.ones((1, 2, 1), "float32")
    assert tuple(_DoublesWhenTraining()(x).shape) == (1, 2, 2)
    assert tuple(_DoublesWhenTraining()(x, training=False).shape) == (1, 2, 1)
    assert tuple(_DoublesWhenTrainingNoneDefault()(x).shape) == (1, 2, 1)


def test_model_call_and_predict_with_a_training_default_layer():
    inputs = keras.Input((None, 1))
    model = keras.Model(inputs, _DoublesWhenTraining()(inputs))
    x = np.ones((1, 2, 1), "float32")
    assert tuple(model(x).shape) == (1, 2, 2)
    assert model.predict(x, verbose=0).shape == (1, 2, 1)  # predict runs in inference mode
