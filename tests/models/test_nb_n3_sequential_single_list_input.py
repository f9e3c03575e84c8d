"""A Sequential model takes a list (or tuple) of one array as that array, as Keras does for its single
input: the wikidocs NLP book's NER notebook (12-5) predicts with `model.predict([X_test])` on a stack that
starts with an Embedding, and tf-keras 2 and Keras 3 both give the same result as `predict(X_test)`.
The references are NumPy lookups/products of the model's own weights."""
import numpy as np

import tkeras as keras


def test_predict_and_call_on_a_list_of_one_array_of_ids():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Embedding(10, 4), keras.layers.Dense(2)])
    ids = np.array([[1, 2, 0], [3, 0, 9]])
    table, kernel, bias = model.get_weights()
    expected = table[ids] @ kernel + bias
    np.testing.assert_allclose(model.predict([ids], verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model((ids,))), expected, rtol=1e-5, atol=1e-6)


def test_stack_built_by_fit_evaluates_and_fits_on_a_list_of_one():
    model = keras.Sequential([keras.layers.Embedding(10, 4, mask_zero=True), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    ids = np.array([[1, 2, 0], [3, 0, 0]])
    targets = np.zeros((2, 3, 2), dtype="float32")
    model.fit(ids, targets, verbose=0)
    table, kernel, bias = model.get_weights()
    outputs = table[ids] @ kernel + bias
    mask = (ids != 0)[..., None]
    expected_loss = float(((outputs ** 2).mean(axis=-1, keepdims=True) * mask).sum() / mask.sum())
    assert np.isclose(model.evaluate([ids], targets, verbose=0), expected_loss, rtol=1e-5)
    assert len(model.fit([ids], targets, verbose=0).history["loss"]) == 1


def test_dense_stack_with_input_shape_takes_a_list_of_one():
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    x = np.arange(6, dtype="float32").reshape(2, 3)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict([x], verbose=0), x @ kernel + bias, rtol=1e-5, atol=1e-6)
