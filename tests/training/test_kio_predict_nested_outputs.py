"""`predict` returns the model's own output structure, nested as it is (recorded from Keras 3.15 and
tf.keras 2.21, which agree): a list inside a list when a layer with two outputs is one of the model's
outputs (keras-io's involution example), tuples kept as tuples, dicts of lists.
"""
import numpy as np
import pytest

import tkeras as keras


def _layout(value):
    if isinstance(value, dict):
        return {key: _layout(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_layout(item) for item in value])
    assert isinstance(value, np.ndarray)
    return value.shape


def _branches():
    inputs = keras.Input((3,))
    dense_layers = [keras.layers.Dense(units) for units in (2, 4, 1)]
    return inputs, dense_layers, [layer(inputs) for layer in dense_layers]


@pytest.mark.parametrize("structure, expected", [
    (lambda a, b, c: (a, b), ("tuple", [(5, 2), (5, 4)])),
    (lambda a, b, c: [[a, b], c], ("list", [("list", [(5, 2), (5, 4)]), (5, 1)])),
    (lambda a, b, c: {"p": [a, b], "q": c}, {"p": ("list", [(5, 2), (5, 4)]), "q": (5, 1)}),
    (lambda a, b, c: [a, (b, c)], ("list", [(5, 2), ("tuple", [(5, 4), (5, 1)])])),
])
def test_predict_keeps_nested_output_structure(structure, expected):
    inputs, dense_layers, branches = _branches()
    model = keras.Model(inputs, structure(*branches))
    data = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    result = model.predict(data, batch_size=2, verbose=0)  # three batches joined
    assert _layout(result) == expected
    leaves = keras.tree.flatten(result)
    kernels = [np.asarray(layer.kernel) for layer in dense_layers]
    biases = [np.asarray(layer.bias) for layer in dense_layers]
    reference = {k.shape[1]: data @ k + b for k, b in zip(kernels, biases)}
    for leaf in leaves:
        np.testing.assert_allclose(leaf, reference[leaf.shape[1]], rtol=1e-5, atol=1e-6)
