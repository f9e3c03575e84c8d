"""tf.data details keras-io scripts print or rely on (behaviour checked against TensorFlow 2.21):

- `as_numpy_iterator()` hands out text as UTF-8 bytes (`[b'10\\tEU\\t...']` in the NER example), arrays of
  strings as object arrays of bytes;
- a nested Python list given to `from_tensor_slices` is one tensor, sliced into rows;
- a list returned by a `map` function is a tuple of components.
"""
import numpy as np

from tkeras.compat import tf_namespace as tf

Dataset = tf.data.Dataset


def test_as_numpy_iterator_gives_bytes_for_text():
    assert list(Dataset.from_tensor_slices(["ab", "c"]).as_numpy_iterator()) == [b"ab", b"c"]
    assert list(Dataset.from_tensor_slices({"a": ["x"]}).as_numpy_iterator()) == [{"a": b"x"}]
    batch = next(Dataset.from_tensor_slices(["ab", "c"]).batch(2).as_numpy_iterator())
    assert batch.dtype == object and batch.tolist() == [b"ab", b"c"]


def test_nested_python_lists_are_one_tensor():
    rows = [np.asarray(e).tolist() for e in Dataset.from_tensor_slices([[1, 2], [3, 4]])]
    assert rows == [[1, 2], [3, 4]]
    first = next(Dataset.from_tensor_slices([["ab", "c"], ["d", "e"]]).as_numpy_iterator())
    assert first.tolist() == [b"ab", b"c"]
    pairs = list(Dataset.from_tensor_slices(([1, 2], [[1.0], [2.0]])).as_numpy_iterator())
    assert [int(a) for a, _ in pairs] == [1, 2] and pairs[1][1].tolist() == [2.0]


def test_map_returning_a_list_gives_a_tuple():
    element = next(iter(Dataset.range(3).map(lambda x: [x + 1, x * 2])))
    assert isinstance(element, tuple) and len(element) == 2
    assert element[0].dtype == tf.int64 and int(element[0]) == 1


def test_map_functions_see_text_as_tensorflow_strings():
    """keras-io's structured-data example picks its lookup layer with `features[name].dtype == "string"`."""
    seen = []

    def pick(features):
        seen.append((features["thal"].dtype == "string", features["thal"].dtype == tf.string,
                     features["age"].dtype == "string"))
        return features

    dataset = Dataset.from_tensor_slices({"thal": np.array(["fixed", "normal"]), "age": np.array([60, 45])})
    list(dataset.map(pick))
    assert seen == [(True, True, False), (True, True, False)]
