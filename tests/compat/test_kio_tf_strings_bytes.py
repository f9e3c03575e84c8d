"""tf.strings on non-ASCII and invalid-UTF-8 text works on bytes as TensorFlow's kernels do: ASCII-only
lower/upper, ASCII whitespace for strip/split, byte offsets for substr, byte joins, and RE2's rule that a
byte outside UTF-8 is never matched. Reference results recorded from TensorFlow by
tests/fixtures/make_kio_tf_strings_bytes_reference.py."""
import json
import os

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_tf_strings_bytes_reference.json")
with open(_REFERENCE) as _f:
    EXPECTED = json.load(_f)["cases"]

TEXTS = [b"Hello W\xc3\xb6rld", "\u00dcn\u00efc\u00f6d\u00e9 CAF\u00c9", "\u65e5\u672c\u8a9e \u30c6\u30ad",
         b"\xff\xfe Bad", b"caf\xc3"]
SPACES = [b"  \xff x \t", " \u00e9 ", "\u00a0a\u00a0"]
S = tf.strings
CALLS = {
    "lower": lambda: S.lower(TEXTS),
    "upper": lambda: S.upper(TEXTS),
    "lower_utf8": lambda: S.lower(TEXTS[1:3], encoding="utf-8"),
    "strip": lambda: S.strip(SPACES),
    "regex_replace_class": lambda: S.regex_replace(TEXTS, "[^a-z ]", "_"),
    "regex_replace_first": lambda: S.regex_replace(TEXTS, "[a-z]", "#", replace_global=False),
    "regex_replace_dot": lambda: S.regex_replace(TEXTS[:3], ".", "x"),
    "regex_full_match": lambda: S.regex_full_match(TEXTS, ".*a.*"),
    "split_whitespace": lambda: S.split(TEXTS),
    "split_sep": lambda: S.split(TEXTS, sep=b"\xc3"),
    "split_scalar": lambda: S.split(b"a \xff b\xc2\xa0c"),
    "substr_bytes": lambda: S.substr(TEXTS, 1, 3),
    "substr_from_end": lambda: S.substr(TEXTS, -3, 2),
    "substr_chars": lambda: S.substr(TEXTS[:3], 1, 3, unit="UTF8_CHAR"),
    "to_number": lambda: S.to_number([b"1.5", "  2", "3e2", "-4"]),
    "join": lambda: S.join([TEXTS, TEXTS], separator="|"),
    "join_bytes_separator": lambda: S.join([TEXTS[:2], TEXTS[:2]], separator=b"\xff"),
    "reduce_join": lambda: S.reduce_join(TEXTS, separator="/"),
    "reduce_join_axis": lambda: S.reduce_join([TEXTS[:2], TEXTS[2:4]], axis=1, separator=b"\xc3"),
    "reduce_join_keepdims": lambda: S.reduce_join([TEXTS[:2], TEXTS[2:4]], axis=0, keepdims=True),
}


def plain(value):
    """Nested lists with every string as the hex of its bytes (str results stand for their UTF-8 bytes)."""
    if hasattr(value, "to_list"):
        value = value.to_list()
    elif hasattr(value, "tolist"):
        value = np.asarray(value).tolist()
    return _hexed(value)


def _hexed(value):
    if isinstance(value, list):
        return [_hexed(v) for v in value]
    if isinstance(value, str):
        value = value.encode("utf-8")
    return "hex:" + value.hex() if isinstance(value, bytes) else value


@pytest.mark.parametrize("case", sorted(CALLS))
def test_matches_tensorflow_on_bytes(case):
    assert plain(CALLS[case]()) == EXPECTED[case]


def test_decoded_text_takes_the_same_path_as_its_bytes():
    """A str array (text tkeras holds decoded) gives what its UTF-8 bytes give."""
    texts = np.array(TEXTS[1:3])
    for call in (lambda t: S.regex_replace(t, "[^a-z ]", "_"), lambda t: S.lower(t), lambda t: S.split(t)):
        assert plain(call(texts)) == plain(call([t.encode("utf-8") for t in texts]))


def test_a_pattern_that_is_not_utf8_is_refused():
    with pytest.raises(UnicodeDecodeError):
        S.regex_replace(TEXTS, b"\xc3", "#")


def test_constant_keeps_bytes_that_are_not_utf8():
    """tf.constant of binary strings (TFRecord payloads, encoded images) keeps their bytes."""
    texts = tf.constant([b"\xff\x00", b"a"])
    assert texts.numpy().tolist() == [b"\xff\x00", b"a"] and texts.shape == (2,)
    assert bytes(tf.constant(b"\xff")) == b"\xff"
    assert S.length(texts).tolist() == [2, 1]
