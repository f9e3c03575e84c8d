"""A file's contents keep every byte, trailing NUL bytes included (NumPy's bytes dtype drops them): on
their own, through a tf.data pipeline, batched, and out of `as_numpy_iterator`, as TensorFlow's string
tensors keep them. A WAV of silence ends in NUL bytes too."""
import numpy as np

from tkeras.compat import tf_namespace as tf

CONTENTS = b"ab\x00c\x00\x00"


def _file(tmp_path):
    path = tmp_path / "nul.bin"
    path.write_bytes(CONTENTS)
    return str(path)


def test_read_file_keeps_trailing_nul_bytes(tmp_path):
    contents = tf.io.read_file(_file(tmp_path))
    assert contents.numpy() == CONTENTS and contents.shape == ()
    assert np.asarray(tf.io.decode_raw(contents, tf.uint8)).tolist() == list(CONTENTS)


def test_file_contents_through_a_pipeline(tmp_path):
    path = _file(tmp_path)
    pipeline = tf.data.Dataset.from_tensor_slices([path, path]).map(tf.io.read_file)
    assert [element.numpy() for element in pipeline] == [CONTENTS, CONTENTS]
    assert list(pipeline.as_numpy_iterator()) == [CONTENTS, CONTENTS]
    batch = next(iter(pipeline.batch(2)))
    assert list(batch.numpy()) == [CONTENTS, CONTENTS]
    lengths = pipeline.map(lambda c: tf.shape(tf.io.decode_raw(c, tf.uint8))[0])
    assert [int(n) for n in lengths] == [len(CONTENTS)] * 2


def test_encoded_silence_keeps_its_samples():
    wav = tf.audio.encode_wav(np.zeros((5, 1), "float32"), 8000)
    assert wav.numpy().endswith(b"\x00" * 10)
    decoded = next(iter(tf.data.Dataset.from_tensors(wav).map(lambda w: tf.audio.decode_wav(w)[0])))
    assert tuple(decoded.shape) == (5, 1)


def test_byte_length_of_binary_contents(tmp_path):
    contents = tf.io.read_file(_file(tmp_path))
    assert int(tf.strings.length(contents)) == len(CONTENTS)
    jpeg = tf.io.encode_jpeg(np.zeros((4, 4, 3), "uint8"))
    assert int(tf.strings.length(jpeg)) == len(jpeg.numpy())
    np.testing.assert_array_equal(np.asarray(tf.strings.length(["ab", "é"])), [2, 2])
    np.testing.assert_array_equal(np.asarray(tf.strings.length(["ab", "é"], unit="UTF8_CHAR")), [2, 1])
