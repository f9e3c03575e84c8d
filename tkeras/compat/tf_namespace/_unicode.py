"""The `tf.strings.unicode_*` functions and `bytes_split`: text taken apart into characters, code points or
bytes, and put back together in another encoding.

A tkeras string stands for its UTF-8 bytes (see `strings.py`), so every function here starts from those
bytes, which keeps byte offsets and byte splits the ones TensorFlow reports. One string gives a dense
result; a batch gives a RaggedTensor, one row per string, as in TensorFlow. Pieces that are not UTF-8
(single bytes of a multi-byte character, UTF-16 output) stay bytes in an object array.
"""
import unicodedata

import numpy as np
import torch

from tkeras.compat.tf_namespace._ragged_tensor import BytesArray, RaggedTensor, invalid_argument, present
from tkeras.data.text_face import text_face
from tkeras.ops.core import for_user

_ERRORS = ("strict", "replace", "ignore")


def raw_bytes(value, api):
    """Any text input (str, bytes, arrays of them, a RaggedTensor's rows) as an object array of bytes."""
    if isinstance(value, RaggedTensor):
        raise TypeError(f"tf.strings.{api}: pass the RaggedTensor's flat values (tf.ragged.map_flat_values)")
    if isinstance(value, torch.Tensor):
        raise TypeError(f"tf.strings.{api}: expected strings, received a {value.dtype} tensor")
    array = np.asarray(value, dtype=object)
    encode = lambda s: s if isinstance(s, bytes) else str(s).encode("utf-8")  # noqa: E731
    return np.vectorize(encode, otypes=[object])(array) if array.size else array


def text_values(pieces):
    """Byte strings as tkeras keeps text: a str array when all are UTF-8, else an object array of bytes."""
    try:
        return np.asarray([p.decode("utf-8") for p in pieces], dtype=str) if pieces else np.zeros(0, dtype=str)
    except UnicodeDecodeError:
        array = np.empty(len(pieces), dtype=object)
        array[:] = pieces
        return array


def text_result(pieces, shape):
    """A dense text result of `shape` from a flat list of byte strings."""
    values = text_values(pieces)
    if values.dtype == object:
        return pieces[0] if shape == () else BytesArray.wrap(values.reshape(shape))
    return text_face(values.reshape(shape))


def per_string(array, pieces_of, make_values):
    """Applies `pieces_of` to each string: one string -> its pieces, dense; a batch -> a RaggedTensor with one
    row per string (and the batch's own dimensions above it)."""
    if array.ndim == 0:
        return present(make_values(pieces_of(array[()])))
    rows = [pieces_of(item) for item in array.ravel()]
    flat = make_values([piece for row in rows for piece in row])
    result = RaggedTensor.from_row_lengths(flat, [len(row) for row in rows])
    for size in reversed(array.shape[1:]):
        result = RaggedTensor.from_row_lengths(result, [size] * (result.nrows_int() // max(size, 1)))
    return result


def _ints(values):
    return torch.tensor(values, dtype=torch.int32) if values else torch.zeros(0, dtype=torch.int32)


# TensorFlow matches encoding names as ICU does, ignoring case and '-', '_', ' ' ("UTF8" is "UTF-8").
_CODECS = {"UTF8": "utf-8", "UTF16BE": "utf-16-be", "UTF32BE": "utf-32-be", "UTF16LE": "utf-16-le",
           "UTF32LE": "utf-32-le", "UTF16": "utf-16", "UTF32": "utf-32", "USASCII": "us-ascii", "ASCII": "ascii",
           "ISO88591": "iso-8859-1", "LATIN1": "latin1"}


def _codec(encoding, api):
    key = "".join(c for c in str(encoding).upper() if c not in "-_ ")
    if key not in _CODECS:
        raise ValueError(f"tf.strings.{api}: tkeras knows the encodings UTF-8, UTF-16-BE, UTF-32-BE (and LE), "
                         f"US-ASCII and ISO-8859-1; received {encoding!r}")
    return _CODECS[key]


def _check_errors(errors, api):
    if errors not in _ERRORS:
        raise ValueError(f"tf.strings.{api}: `errors` must be one of {_ERRORS}, received {errors!r}")


def _decode_chars(data, codec, errors, replacement_char, replace_control_characters, api):
    """The characters of one byte string with the byte offset each starts at."""
    chars, offsets, at = [], [], 0
    decoder = __import__("codecs").getincrementaldecoder(codec)(errors="strict")
    for index in range(len(data)):
        try:
            piece = decoder.decode(data[index:index + 1])
        except UnicodeDecodeError:
            if errors == "strict":
                raise invalid_argument(f"tf.strings.{api}: invalid {codec.upper()} input at byte {at}: "
                                       f"{data!r}") from None
            decoder.reset()
            if errors == "replace":
                chars.append(chr(replacement_char))
                offsets.append(at)
            at = index + 1
            continue
        for char in piece:
            if replace_control_characters and unicodedata.category(char) == "Cc":
                char = chr(replacement_char)
            chars.append(char)
            offsets.append(at)
            at = index + 1
    if decoder.getstate()[0]:
        if errors == "strict":
            raise invalid_argument(f"tf.strings.{api}: truncated {codec.upper()} input: {data!r}")
        if errors == "replace":
            chars.append(chr(replacement_char))
            offsets.append(at)
    return chars, offsets


def _decoder(input_encoding, errors, replacement_char, replace_control_characters, api):
    _check_errors(errors, api)
    codec = _codec(input_encoding, api)
    return lambda data: _decode_chars(data, codec, errors, replacement_char, replace_control_characters, api)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """Code points (int32) of each string."""
    decode = _decoder(input_encoding, errors, replacement_char, replace_control_characters, "unicode_decode")
    return per_string(raw_bytes(input, "unicode_decode"), lambda s: [ord(c) for c in decode(s)[0]], _ints)


def unicode_decode_with_offsets(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                                replace_control_characters=False, name=None):
    """Code points and the byte offset where each starts (int64), as two results of one shape."""
    decode = _decoder(input_encoding, errors, replacement_char, replace_control_characters,
                      "unicode_decode_with_offsets")
    array = raw_bytes(input, "unicode_decode_with_offsets")
    points = per_string(array, lambda s: [ord(c) for c in decode(s)[0]], _ints)
    offsets = per_string(array, lambda s: decode(s)[1], lambda v: torch.tensor(v, dtype=torch.int64))
    return points, offsets


def unicode_split(input, input_encoding="UTF-8", errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """Each string's characters, as strings of their own (UTF-8)."""
    decode = _decoder(input_encoding, errors, replacement_char, False, "unicode_split")
    pieces = lambda s: [c.encode("utf-8", "surrogatepass") for c in decode(s)[0]]  # noqa: E731
    return per_string(raw_bytes(input, "unicode_split"), pieces, text_values)


def unicode_split_with_offsets(input, input_encoding="UTF-8", errors="replace",  # noqa: A002
                               replacement_char=65533, name=None):
    decode = _decoder(input_encoding, errors, replacement_char, False, "unicode_split_with_offsets")
    array = raw_bytes(input, "unicode_split_with_offsets")
    chars = per_string(array, lambda s: [c.encode("utf-8", "surrogatepass") for c in decode(s)[0]], text_values)
    offsets = per_string(array, lambda s: decode(s)[1], lambda v: torch.tensor(v, dtype=torch.int64))
    return chars, offsets


def _encode_points(points, codec, errors, replacement_char, api):
    out = []
    for point in points:
        point = int(point)
        if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
            out.append(chr(point))
        elif errors == "strict":
            raise ValueError(f"tf.strings.{api}: {point} is not a valid code point")
        elif errors == "replace":
            out.append(chr(replacement_char))
    return "".join(out).encode(codec)


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """Rows of code points -> one string per row (the innermost dimension is consumed)."""
    _check_errors(errors, "unicode_encode")
    codec = _codec(output_encoding, "unicode_encode")
    encode = lambda row: _encode_points(row, codec, errors, replacement_char, "unicode_encode")  # noqa: E731
    if isinstance(input, RaggedTensor):
        if input.ragged_rank != 1:
            inner = unicode_encode(input.values, output_encoding, errors, replacement_char)
            return RaggedTensor.from_row_splits(np.asarray(inner, dtype=object if isinstance(inner, BytesArray)
                                                           else str), input.row_splits)
        return text_result([encode(row) for row in input.to_list()], (input.nrows_int(),))
    array = np.asarray(input.detach().cpu() if isinstance(input, torch.Tensor) else input)
    if array.ndim == 0:
        raise ValueError("tf.strings.unicode_encode: expected code points of rank 1 or more, received a scalar")
    rows = array.reshape(-1, array.shape[-1]) if array.shape[-1] else np.zeros((int(np.prod(array.shape[:-1])), 0))
    return text_result([encode(row) for row in rows], array.shape[:-1])


def unicode_transcode(input, input_encoding, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                      replace_control_characters=False, name=None):
    """Each string re-encoded from `input_encoding` to `output_encoding`."""
    decode = _decoder(input_encoding, errors, replacement_char, replace_control_characters, "unicode_transcode")
    codec = _codec(output_encoding, "unicode_transcode")
    array = raw_bytes(input, "unicode_transcode")
    pieces = ["".join(decode(s)[0]).encode(codec, "replace") for s in array.ravel()]
    return text_result(pieces, array.shape)


def bytes_split(input, name=None):  # noqa: A002
    """Each string cut into single bytes."""
    array = raw_bytes(input, "bytes_split")
    return per_string(array, lambda s: [s[i:i + 1] for i in range(len(s))], text_values)


# ICU's script codes (UScriptCode) for the scripts whose letters carry the script's name in Unicode's
# character names; code points of other scripts fall back on Common (0) or Inherited (1) for marks.
_SCRIPTS = {
    "ARABIC": 2, "ARMENIAN": 3, "BENGALI": 4, "BOPOMOFO": 5, "CHEROKEE": 6, "COPTIC": 7, "CYRILLIC": 8,
    "DESERET": 9, "DEVANAGARI": 10, "ETHIOPIC": 11, "GEORGIAN": 12, "GOTHIC": 13, "GREEK": 14, "GUJARATI": 15,
    "GURMUKHI": 16, "CJK": 17, "HANGUL": 18, "HEBREW": 19, "HIRAGANA": 20, "KANNADA": 21, "KATAKANA": 22,
    "KHMER": 23, "LAO": 24, "LATIN": 25, "MALAYALAM": 26, "MONGOLIAN": 27, "MYANMAR": 28, "OGHAM": 29,
    "ORIYA": 31, "RUNIC": 32, "SINHALA": 33, "SYRIAC": 34, "TAMIL": 35, "TELUGU": 36, "THAANA": 37, "THAI": 38,
    "TIBETAN": 39,
}
_NOT_HAN = ("CJK SYMBOL", "CJK COMPATIBILITY FORM", "CJK RADICAL", "CJK STROKE")
_WIDTH_PREFIXES = ("FULLWIDTH ", "HALFWIDTH ")


def _script_of(point):
    if not 0 <= point <= 0x10FFFF or 0xD800 <= point <= 0xDFFF:
        return -1
    char = chr(point)
    name = unicodedata.name(char, "")
    for prefix in _WIDTH_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name.startswith(_NOT_HAN):
        return 0
    word = name.split(" ", 1)[0]
    if word in _SCRIPTS:
        return _SCRIPTS[word]
    if not name:
        return 103 if unicodedata.category(char) == "Cn" else 0  # Unknown: unassigned code points
    if unicodedata.category(char).startswith("M"):
        return 1
    return 0


def unicode_script(input, name=None):  # noqa: A002
    """ICU script codes (int32) of code points, read from Unicode's character names: exact for the letters of
    the scripts listed in `_SCRIPTS` (Latin, Cyrillic, Greek, Han, Hangul, Kana, Arabic, Indic...), Common or
    Inherited for everything else."""
    values = input.detach().cpu() if isinstance(input, torch.Tensor) else torch.as_tensor(np.asarray(input))
    codes = [_script_of(int(p)) for p in values.reshape(-1).tolist()]
    return for_user(torch.tensor(codes, dtype=torch.int32).reshape(values.shape))
