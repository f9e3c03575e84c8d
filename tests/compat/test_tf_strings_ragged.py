"""tf.strings' unicode/hash/n-gram functions, tf.ragged and tf.experimental.numpy against real TensorFlow
2.21: the same calls (tests/fixtures/make_tf_strings_ragged_reference.py `cases`) run here on tkeras' tf and
compared with tests/fixtures/tf_strings_ragged_reference.json."""
import importlib.util
import json
import pathlib

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.compat import tf_namespace as tf

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"
REFERENCE = json.loads((FIXTURES / "tf_strings_ragged_reference.json").read_text(encoding="utf-8"))
_spec = importlib.util.spec_from_file_location("make_ref", FIXTURES / "make_tf_strings_ragged_reference.py")
MAKER = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MAKER)
CASES = MAKER.cases(tf, tf.experimental.numpy)
plain = MAKER.plain


def dtype_name(dtype):
    return "string" if dtype == tf.string else str(dtype).replace("torch.", "")


def record(value):
    """tkeras' result in the reference's form."""
    if isinstance(value, tf.RaggedTensor):
        return {"value": plain(value.to_list()), "dtype": dtype_name(value.dtype), "shape": list(value.shape),
                "ragged": True, "ragged_rank": value.ragged_rank}
    if isinstance(value, tuple):
        return {"tuple": [record(v) for v in value]}
    if isinstance(value, (int, float, type(None))) and not isinstance(value, str):
        return {"value": value}
    if isinstance(value, torch.Tensor):
        return {"value": plain(value.numpy()), "dtype": dtype_name(value.dtype), "shape": list(value.shape),
                "ragged": False}
    if isinstance(value, (str, bytes)):
        return {"value": plain(value if isinstance(value, bytes) else value.encode("utf-8")), "dtype": "string",
                "shape": [], "ragged": False}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"value": plain(value), "dtype": value.dtype.name, "shape": list(value.shape), "ragged": False}
    assert isinstance(value, np.ndarray) and hasattr(value, "numpy"), type(value)
    return {"value": plain(value.numpy()), "dtype": "string", "shape": list(value.shape), "ragged": False}


def same(got, expected):
    if "tuple" in expected:
        return len(got["tuple"]) == len(expected["tuple"]) and all(
            same(g, e) for g, e in zip(got["tuple"], expected["tuple"]))
    got, expected = dict(got), dict(expected)
    if expected.get("ragged"):
        # TensorFlow keeps a uniform inner length of a dense batch (split of a 2-D batch: [2, 2, None]);
        # tkeras' partitions are all row_splits, so those dimensions read None.
        got_shape, expected_shape = got.pop("shape"), expected.pop("shape")
        assert len(got_shape) == len(expected_shape) and all(
            g == e or (g is None and 0 < i <= expected["ragged_rank"])
            for i, (g, e) in enumerate(zip(got_shape, expected_shape))), (got_shape, expected_shape)
    return got == expected


@pytest.mark.parametrize("key", sorted(REFERENCE["strings"]))
def test_strings_match_tensorflow(key):
    got = record(CASES["strings"][key]())
    assert same(got, REFERENCE["strings"][key]), (got, REFERENCE["strings"][key])


@pytest.mark.parametrize("key", sorted(REFERENCE["ragged"]))
def test_ragged_match_tensorflow(key):
    got = record(CASES["ragged"][key]())
    assert same(got, REFERENCE["ragged"][key]), (got, REFERENCE["ragged"][key])


@pytest.mark.parametrize("key", sorted(REFERENCE["facts"]))
def test_ragged_facts_match_tensorflow(key):
    got = CASES["facts"][key]()
    assert (list(got) if isinstance(got, tuple) else got) == REFERENCE["facts"][key]


@pytest.mark.parametrize("key", sorted(REFERENCE["errors"]))
def test_bad_input_raises_what_tensorflow_raises(key):
    expected = {"InvalidArgumentError": tf.errors.InvalidArgumentError, "ValueError": ValueError,
                "IndexError": IndexError}[REFERENCE["errors"][key]]
    with pytest.raises(expected):
        CASES["errors"][key]()


@pytest.mark.parametrize("key", sorted(REFERENCE["tnp"]))
def test_experimental_numpy_matches_tensorflow(key):
    value = CASES["tnp"][key]()
    got = {"value": value} if isinstance(value, bool) else record(value)
    assert same(got, REFERENCE["tnp"][key]), (got, REFERENCE["tnp"][key])


def test_every_case_is_in_the_reference():
    for group in ("strings", "ragged", "facts", "errors", "tnp"):
        assert sorted(CASES[group]) == sorted(REFERENCE[group]), group


def test_ragged_text_faces_match_tkeras_strings():
    words = tf.ragged.constant([["안녕", "b"], ["c"]])
    assert words.dtype == tf.string and words[0][0] == "안녕"
    assert words[0].numpy().tolist() == ["안녕".encode(), b"b"]
    assert isinstance(words.flat_values, np.ndarray) and words.flat_values.tolist() == ["안녕", "b", "c"]
    assert tf.strings.split("a b").tolist() == ["a", "b"]  # one string stays dense, as in TensorFlow
    assert repr(tf.ragged.constant([[1, 2], [3]])) == "<tf.RaggedTensor [[1, 2], [3]]>"
    assert isinstance(tf.ragged.constant([[1]]).row_splits, tf.Tensor)
    assert tf.strings.bytes_split("한").numpy().tolist() == [b"\xed", b"\x95", b"\x9c"]


def test_ragged_messages_for_what_tkeras_does_not_do():
    rt = tf.ragged.constant([[1, 2], [3]])
    with pytest.raises(TypeError, match="does not convert to a dense array implicitly.*to_tensor"):
        np.asarray(rt)
    with pytest.raises(ValueError, match="cannot combine with a tensor of shape"):
        rt + tf.constant([1, 2])
    with pytest.raises(TypeError, match="cannot be constructed directly"):
        tf.RaggedTensor([1], [0, 1])
    with pytest.raises(AttributeError, match="tf.ragged.cross is not supported in tkeras"):
        tf.ragged.cross
    with pytest.raises(AttributeError, match="tf.experimental.numpy.polyval is not supported in tkeras"):
        tf.experimental.numpy.polyval
    with pytest.raises(AttributeError, match="tf.experimental.register_filesystem_plugin is not supported"):
        tf.experimental.register_filesystem_plugin
    assert tf.experimental.numpy.experimental_enable_numpy_behavior() is None
    assert isinstance(tf.experimental.numpy.zeros(2), tf.experimental.numpy.ndarray)


def test_ragged_spec_and_helpers():
    spec = tf.RaggedTensorSpec([None, None], tf.int32)
    assert spec.is_compatible_with(tf.ragged.constant([[1], [2, 3]]))
    assert not spec.is_compatible_with(tf.ragged.constant([[1.0]]))
    ids = tf.ragged.row_splits_to_segment_ids([0, 2, 3])
    assert ids.numpy().tolist() == [0, 0, 1]
    assert tf.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy().tolist() == [0, 2, 2, 3]
    assert tf.ragged.is_ragged(tf.ragged.constant([[1]])) and not tf.ragged.is_ragged(tf.constant([1]))


def test_tnp_random_is_seeded_and_float64():
    tnp = tf.experimental.numpy
    tnp.random.seed(3)
    first = tnp.random.rand(4)
    tnp.random.seed(3)
    assert torch.equal(first, tnp.random.rand(4)) and first.dtype == torch.float64
    assert tnp.random.randint(0, 3, size=(50,)).max() < 3


def test_text_vectorization_output_and_ragged_into_layers():
    vectorize = keras.layers.TextVectorization(output_mode="int")
    vectorize.adapt(["a b c", "b c"])
    ids = vectorize(["a b c", "c"])
    assert isinstance(ids, torch.Tensor) and tuple(ids.shape) == (2, 3)  # dense, padded with 0
    rt = tf.RaggedTensor.from_tensor(ids, padding=0)
    assert rt.to_list() == [[2, 3, 1] if vectorize.get_vocabulary()[2] == "a" else rt.to_list()[0], rt.to_list()[1]]
    embed = keras.layers.Embedding(10, 4)
    embedded = embed(rt)  # ragged rows in, ragged rows out, as tf-keras 2's Embedding
    assert isinstance(embedded, tf.RaggedTensor) and embedded.row_lengths().tolist() == [3, 1]
    assert tuple(embed(rt.to_tensor()).shape) == (2, 3, 4)


def test_tnp_imports_under_the_import_hook():
    import subprocess
    import sys
    script = ("from tkeras.compat import install; install()\n"
              "import tensorflow as tf\nimport tensorflow.experimental.numpy as tnp\n"
              "print(tnp.zeros(2).dtype, tf.ragged.constant([[1], [2, 3]]).shape, tf.RaggedTensor.__name__)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["torch.float64", "(2,", "None)", "RaggedTensor"], out.stderr[-2000:]
