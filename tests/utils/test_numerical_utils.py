"""to_categorical / normalize (and their old import paths), against hand-built one-hot arrays."""
import numpy as np
import pytest

from tkeras.utils.numerical_utils import normalize, to_categorical


def test_one_hot_rows_and_default_class_count():
    result = to_categorical([0, 2, 1])
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


@pytest.mark.parametrize("labels, num_classes, shape", [
    ([[1], [2]], 4, (2, 4)),            # a trailing axis of 1 is replaced
    ([[1, 2], [0, 3]], 4, (2, 2, 4)),   # otherwise a class axis is appended
    (3, 5, (5,)),                        # a scalar label gives one row
    (np.zeros((2, 1, 3), int), 2, (2, 1, 3, 2)),
])
def test_keras_shape_rules(labels, num_classes, shape):
    result = to_categorical(labels, num_classes)
    assert result.shape == shape
    flat_labels = np.asarray(labels).ravel()
    np.testing.assert_array_equal(result.reshape(-1, num_classes), np.eye(num_classes)[flat_labels])


def test_default_dtype_is_keras3s():
    """Keras 3.15.1 returns float64 for a list or NumPy array (as Keras 1 and 2.0-2.1 did) and float32
    for a backend tensor; tf-keras 2.21's default is float32, which `dtype="float32"` still gives."""
    import torch
    assert to_categorical(np.array([0, 1], dtype="int32"), 3).dtype == np.float64
    assert to_categorical(torch.tensor([0, 1])).dtype == np.float32
    assert to_categorical([0, 1], dtype="float32").dtype == np.float32


def test_keras1_np_utils_path_gives_float64_too():
    from tkeras.compat.legacy.np_utils import to_categorical as keras1_to_categorical
    result = keras1_to_categorical([1, 0], nb_classes=3)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, np.eye(3)[[1, 0]])


def test_dtype_and_integer_valued_floats():
    assert to_categorical(np.array([1.0, 0.0]), 2, dtype="int64").tolist() == [[0, 1], [1, 0]]
    assert to_categorical([1], 3, dtype="int64").dtype == np.int64


def test_bad_labels_are_clear_errors():
    with pytest.raises(ValueError, match="ragged"):
        to_categorical([[1], [1, 2]])
    with pytest.raises(ValueError, match=">= 0.*-1"):
        to_categorical([0, -1, 2])
    with pytest.raises(ValueError, match="num_classes=3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="non-integer"):
        to_categorical([0.5])
    with pytest.raises(TypeError, match="dtype"):
        to_categorical(["a", "b"])
    with pytest.raises(ValueError, match="num_classes"):
        to_categorical([0], num_classes=0)


def test_normalize_l2_and_l1_leaves_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x, order=1), [[3 / 7, 4 / 7], [0, 0]])
    np.testing.assert_allclose(normalize(np.array([[3.0], [4.0]]), axis=0), [[0.6], [0.8]])


def test_old_import_paths_reach_the_same_functions():
    from tkeras.utils import np_utils, sequence_utils
    from tkeras.preprocessing.sequence import pad_sequences
    assert np_utils.to_categorical is to_categorical and np_utils.normalize is normalize
    assert sequence_utils.pad_sequences is pad_sequences
