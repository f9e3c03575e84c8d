"""`to_categorical(x=...)` / `(y=...)` and `split_dataset(preferred_backend=...)`.

Keras 3.15.1 names to_categorical's labels `x` (tf-keras 2.21: `y`); both keywords work here.
Keras 3.15.1's split_dataset returns torch.utils.data Datasets for preferred_backend="torch" and
tf.data Datasets otherwise (tkeras: its own Dataset); its one-hot reference is in
tests/fixtures/signature_debt_reference.json.
"""
import inspect
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.data import Dataset

REFERENCE = json.load(open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                        "fixtures", "signature_debt_reference.json")))


def test_to_categorical_takes_x_y_or_position():
    expected = np.asarray(REFERENCE["to_categorical_x"])
    for result in (keras.utils.to_categorical(x=[0, 2, 1], num_classes=4),
                   keras.utils.to_categorical(y=[0, 2, 1], num_classes=4),
                   keras.utils.to_categorical([0, 2, 1], 4)):
        np.testing.assert_array_equal(result, expected)
        assert result.dtype == np.float64  # Keras 3.15.1's dtype for a list
    assert list(inspect.signature(keras.utils.to_categorical).parameters)[:2] == ["x", "num_classes"]


def test_to_categorical_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="`x`.*`y`"):
        keras.utils.to_categorical([1], y=[1])
    with pytest.raises(TypeError, match="`x`.*`y`"):
        keras.utils.to_categorical(x=[1], y=[1])
    with pytest.raises(ValueError, match="`x`"):
        keras.utils.to_categorical(y=[0.5])
    with pytest.raises(ValueError, match="num_classes"):
        keras.utils.to_categorical(x=[3], num_classes=2)


def _rows(split):
    return [int(np.asarray(item if not isinstance(item, tuple) else item[0])) for item in split]


def test_split_dataset_torch_backend_gives_torch_datasets():
    left, right = keras.utils.split_dataset(np.arange(10), left_size=0.8, preferred_backend="torch")
    assert isinstance(left, torch.utils.data.Dataset) and isinstance(right, torch.utils.data.Dataset)
    assert (len(left), len(right)) == (8, 2)
    assert _rows(left) == list(range(8)) and _rows(right) == [8, 9]
    features, labels = np.arange(12).reshape(6, 2), np.arange(6)
    left, right = keras.utils.split_dataset((features, labels), right_size=2, shuffle=True, seed=3,
                                            preferred_backend="torch")
    seen = [(tuple(x.tolist()), int(y)) for x, y in list(left) + list(right)]
    assert sorted(seen) == [(tuple(features[i]), i) for i in range(6)]  # a permutation, pairs kept
    assert len(torch.utils.data.DataLoader(left, batch_size=2)) == 2


def test_split_dataset_torch_input_follows_its_kind():
    data = torch.utils.data.TensorDataset(torch.arange(5))
    left, right = keras.utils.split_dataset(data, left_size=3)
    assert isinstance(left, torch.utils.data.Dataset)
    assert _rows(left) == [0, 1, 2] and _rows(right) == [3, 4]


@pytest.mark.parametrize("backend", [None, "tensorflow", "jax"])
def test_split_dataset_other_backends_give_tkeras_datasets(backend):
    left, right = keras.utils.split_dataset(np.arange(10), left_size=0.8, preferred_backend=backend)
    assert isinstance(left, Dataset) and isinstance(right, Dataset)
    assert list(left.as_numpy_iterator()) == list(range(8))


def test_split_dataset_bad_preferred_backend_names_the_argument():
    with pytest.raises(ValueError, match="preferred_backend"):
        keras.utils.split_dataset(np.arange(4), left_size=2, preferred_backend="pytorch")
    with pytest.raises(ValueError, match="preferred_backend"):
        keras.utils.split_dataset(torch.utils.data.TensorDataset(torch.arange(4)), left_size=2,
                                  preferred_backend="tensorflow")
