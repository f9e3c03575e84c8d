"""`from tensorflow.python.data import Dataset`: a chapter of a Korean TensorFlow textbook imports `Dataset`
from TensorFlow's private package (where `tf.data.Dataset` is defined) before fitting a pandas DataFrame.
In TensorFlow that package re-exports the `tf.data` names, and `dataset_ops.DatasetV2` is the class
`isinstance` checks in older libraries use."""
import importlib

import pytest


@pytest.fixture
def tf():
    from tkeras import compat
    compat.install()
    yield importlib.import_module("tensorflow")
    compat.uninstall()


def test_dataset_imports_from_the_private_package(tf):
    data = importlib.import_module("tensorflow.python.data")
    assert data.Dataset is tf.data.Dataset
    assert data.AUTOTUNE == tf.data.AUTOTUNE
    assert data.TextLineDataset is tf.data.TextLineDataset
    batches = list(data.Dataset.from_tensor_slices([1, 2, 3, 4, 5]).batch(2).as_numpy_iterator())
    assert [b.tolist() for b in batches] == [[1, 2], [3, 4], [5]]


def test_dataset_ops_names_both_dataset_generations(tf):
    dataset_ops = importlib.import_module("tensorflow.python.data.ops.dataset_ops")
    dataset = tf.data.Dataset.range(3)
    assert isinstance(dataset, dataset_ops.DatasetV2) and isinstance(dataset, dataset_ops.DatasetV1)
    assert dataset_ops.INFINITE == tf.data.INFINITE_CARDINALITY == -1
    assert dataset_ops.UNKNOWN == tf.data.UNKNOWN_CARDINALITY == -2


def test_a_name_the_package_does_not_carry_fails_with_one_line(tf):
    data = importlib.import_module("tensorflow.python.data")
    with pytest.raises(AttributeError, match="tensorflow.python.data.make_one_shot_iterator is not supported"):
        data.make_one_shot_iterator  # noqa: B018
