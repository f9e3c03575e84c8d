"""tf.summary.scalar / histogram in a custom training loop write TensorBoard event files without the
`tensorboard` package, as TensorFlow's do (the plain-Python writer of the TensorBoard callback); the files
are decoded by the independent reader of tests/callbacks/test_nb_t1_tensorboard_without_package.py."""
import struct

import numpy as np
import pytest

from tests.callbacks.test_nb_t1_tensorboard_without_package import _fields, _read_events
from tkeras.callbacks import event_file_writer
from tkeras.compat import tf_namespace as tf


@pytest.fixture
def plain_writer(monkeypatch):
    monkeypatch.setattr(event_file_writer, "summary_writer_class", lambda: event_file_writer.EventFileWriter)


def test_scalars_and_histograms_of_a_training_loop(tmp_path, plain_writer):
    writer = tf.summary.create_file_writer(str(tmp_path), filename_suffix=".run1")
    values = np.random.RandomState(0).randn(100)
    with writer.as_default():
        for step in range(3):
            assert tf.summary.scalar("loss", 1.0 / (step + 1), step=step) is True
        tf.summary.histogram("weights", tf.constant(values), step=1, buckets=10)
    writer.close()
    (path,) = list(tmp_path.iterdir())
    assert path.name.startswith("events.out.tfevents.") and path.name.endswith(".run1")
    rows = _read_events(str(tmp_path))
    scalars = [(step, struct.unpack("<f", value[2][0])[0]) for tag, step, value in rows if tag == "loss"]
    assert scalars == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    (histogram,) = [_fields(value[5][0]) for tag, step, value in rows if tag == "weights" and step == 1]
    counts = struct.unpack("<10d", histogram[7][0])
    edges = struct.unpack("<10d", histogram[6][0])
    expected_counts, expected_edges = np.histogram(values, bins=10)
    assert list(counts) == expected_counts.tolist() and edges == pytest.approx(expected_edges[1:].tolist())
    assert struct.unpack("<d", histogram[3][0])[0] == 100.0


def test_kinds_the_plain_writer_lacks_name_the_package(tmp_path, plain_writer):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        for write in (lambda: tf.summary.text("note", "hello"),
                      lambda: tf.summary.image("img", np.zeros((1, 2, 2, 3))),
                      lambda: tf.summary.write("raw", np.zeros(2))):
            with pytest.raises(ImportError, match="pip install tensorboard"):
                write()
    writer.close()
