"""A Python list of texts given to predict/fit/evaluate is one batch of strings, as tf-keras 2 takes it.

The text-loading tutorial ends with `binary_model.predict(['How do you sort a list?'])` on a model that
starts with TextVectorization: one sample, not a list of model inputs. The reference is the same call
with a NumPy array of the texts.
"""
import numpy as np

import tkeras as keras
from tkeras import layers

TEXTS = ["how do you sort a list", "sort a dict by value", "read a file"]


def _model():
    vectorize = layers.TextVectorization(max_tokens=20, output_mode="multi_hot")
    vectorize.adapt(np.array(TEXTS))
    model = keras.Sequential([vectorize, layers.Dense(4, kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_predict_on_a_list_of_one_text():
    model = _model()
    got = model.predict(["How do you sort a list?"], verbose=0)
    expected = model.predict(np.array(["How do you sort a list?"]), verbose=0)
    assert got.shape == (1, 4)
    np.testing.assert_allclose(got, expected)
    np.testing.assert_allclose(got, np.full((1, 4), 6.0))  # six known words, each counted once, ones kernel


def test_fit_and_evaluate_on_lists_of_texts():
    model = _model()
    targets = np.zeros((3, 4), "float32")
    model.fit(TEXTS, targets, epochs=1, verbose=0)
    loss = model.evaluate(TEXTS, targets, verbose=0)
    predictions = model.predict(np.array(TEXTS), verbose=0)
    np.testing.assert_allclose(loss, np.mean(predictions ** 2), rtol=1e-5)
