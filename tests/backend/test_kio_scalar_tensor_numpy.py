"""A scalar tensor's `.numpy()` is a NumPy scalar, as TensorFlow's eager tensor gives it (checked with
TensorFlow 2.21: `tf.constant([1.5])[0].numpy()` is `np.float32(1.5)`); keras-io's ViViT example turns each
label of a batch into `label.numpy().astype("int")` and uses it as a number."""
import numpy as np

from tkeras.compat import tf_namespace as tf


def test_scalar_numpy_is_a_numpy_scalar():
    t = tf.constant([1.5, 2.0])
    first = t[0].numpy()
    assert type(first) is np.float32 and first == np.float32(1.5)
    assert type(tf.constant(3).numpy()) is np.int32
    assert type(tf.reduce_sum(t).numpy()) is np.float32


def test_iterated_labels_convert_to_numpy_integers():
    labels = tf.constant([1.0, 8.0, 7.0])
    converted = [label.numpy().astype("int") for label in labels]
    assert [type(v) for v in converted] == [np.int64] * 3
    assert converted == [1, 8, 7]


def test_arrays_and_printing_are_unchanged():
    t = tf.constant([1.5, 2.0])
    assert type(t.numpy()) is np.ndarray
    assert type(np.asarray(t[0])) is np.ndarray and np.asarray(t[0]).shape == ()
    assert repr(t[0]) == "<tf.Tensor: shape=(), dtype=float32, numpy=1.5>"
    assert str(t[0]) == "tf.Tensor(1.5, shape=(), dtype=float32)"


def test_scalar_numpy_is_hashable_as_a_dict_key():
    # keras-io's PointNet: CLASS_MAP[preds[i].numpy()] with preds from tf.math.argmax
    preds = tf.math.argmax(tf.constant([[0.1, 0.9], [0.8, 0.2]]), -1)
    class_map = {0: "chair", 1: "table"}
    assert [class_map[preds[i].numpy()] for i in range(2)] == ["table", "chair"]
