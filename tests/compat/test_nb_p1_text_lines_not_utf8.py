"""TextLineDataset over a file that is not all UTF-8 (a Latin-1 or CP949 corpus; the Python Machine Learning
3rd ed. text chapters read Project Gutenberg files): TensorFlow hands out every line as bytes and leaves
decoding to the user, so such a line must come through instead of stopping the pipeline."""
import gzip

import numpy as np

from tkeras.compat import tf_namespace as tf

LINES = [b"plain line", "caf\u00e9 cr\u00e8me".encode("latin-1"), b"last"]


def _write(path, opener=open):
    with opener(path, "wb") as f:
        f.write(b"\r\n".join(LINES[:2]) + b"\n" + LINES[2] + b"\n")
    return str(path)


def test_lines_that_are_not_utf8_come_through_as_bytes(tmp_path):
    ds = tf.data.TextLineDataset([_write(tmp_path / "corpus.txt")])
    assert list(ds.as_numpy_iterator()) == LINES
    assert [line.numpy().decode("latin-1") for line in ds][1] == "caf\u00e9 cr\u00e8me"
    assert [int(n) for n in ds.map(tf.strings.length)] == [len(line) for line in LINES]


def test_a_batch_mixing_both_kinds_holds_bytes(tmp_path):
    batch = next(iter(tf.data.TextLineDataset([_write(tmp_path / "corpus.txt")]).batch(3)))
    assert list(np.asarray(batch.numpy())) == LINES
    assert tf.strings.split(batch[1]).numpy().tolist() == LINES[1].split()


def test_gzip_files_too(tmp_path):
    ds = tf.data.TextLineDataset([_write(tmp_path / "corpus.txt.gz", gzip.open)], compression_type="GZIP")
    assert list(ds.as_numpy_iterator()) == LINES
