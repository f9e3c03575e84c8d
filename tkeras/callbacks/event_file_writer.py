"""A TensorBoard event file writer in plain Python, for when the `tensorboard` package is not installed.

Keras' TensorBoard callback works wherever TensorFlow does, because TensorFlow writes event files itself;
torch's SummaryWriter instead needs the separate `tensorboard` package. Tutorials pass
`TensorBoard(log_dir='./graph')` to fit as a matter of course, so refusing to train without that package
would stop scripts that real Keras runs. An event file is a TFRecord file of `Event` protocol buffers;
the callback only needs scalars and weight histograms, whose few fields are encoded here by hand (through
utils/protowire.py). TensorBoard reads these files like the ones TensorFlow writes. `tf.summary` uses the
same writer; its images, text, audio and raw tensors need plugin metadata this writer leaves to torch's, so
they still ask for the package.
"""
import itertools
import os
import socket
import struct
import time

import numpy as np

from tkeras.data.tfrecord import TFRecordWriter
from tkeras.utils import protowire as wire

_FILE_VERSION = "brain.Event:2"
_HISTOGRAM_BUCKETS = 30  # as many as TensorFlow's tf.summary.histogram makes by default
_file_counter = itertools.count()


def summary_writer_class():
    """torch's SummaryWriter where the `tensorboard` package is installed, else this module's writer (for
    the TensorBoard callback and `tf.summary` alike)."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        return EventFileWriter
    return SummaryWriter


def _double(field, value):
    return wire.tag(field, wire.FIXED64) + struct.pack("<d", float(value))


def _float(field, value):
    return wire.tag(field, wire.FIXED32) + struct.pack("<f", float(value))


def _int64(field, value):
    return wire.tag(field, wire.VARINT) + wire.varint(int(value))


def _bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return wire.length_field(field, data)


def _packed_doubles(field, values):
    return _bytes(field, struct.pack(f"<{len(values)}d", *values))


def _event(step, summary_values=None, file_version=None):
    """An `Event`: wall_time (1), step (2), file_version (3) or summary (5) of `Summary.Value`s (1)."""
    message = _double(1, time.time()) + _int64(2, step)
    if file_version is not None:
        message += _bytes(3, file_version)
    if summary_values is not None:
        message += _bytes(5, b"".join(_bytes(1, value) for value in summary_values))
    return message


def _histogram(values, buckets=_HISTOGRAM_BUCKETS):
    """A `HistogramProto`: min, max, num, sum, sum_squares, then bucket right edges and counts."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return _double(1, 0.0) + _double(2, 0.0) + _double(3, 0.0) + _double(4, 0.0) + _double(5, 0.0)
    low, high = float(values.min()), float(values.max())
    if low == high:  # one value: a single bucket that ends at it
        edges, counts = [high], [float(values.size)]
    else:
        counts, bin_edges = np.histogram(values, bins=buckets, range=(low, high))
        edges, counts = bin_edges[1:].tolist(), counts.astype(np.float64).tolist()
    return (_double(1, low) + _double(2, high) + _double(3, values.size) + _double(4, values.sum())
            + _double(5, np.square(values).sum()) + _packed_doubles(6, edges) + _packed_doubles(7, counts))


class EventFileWriter:
    """Writes scalars and histograms to a new `events.out.tfevents.*` file in `log_dir`, with the methods
    of torch's SummaryWriter that the TensorBoard callback uses."""

    def __init__(self, log_dir, filename_suffix="", max_queue=None, flush_secs=None):
        # max_queue / flush_secs: SummaryWriter's buffering options; records go straight to the file here.
        os.makedirs(log_dir, exist_ok=True)
        name = "events.out.tfevents.%d.%s.%d.%d.v2%s" % (time.time(), socket.gethostname(), os.getpid(),
                                                         next(_file_counter), filename_suffix or "")
        self.path = os.path.join(log_dir, name)
        self._records = TFRecordWriter(self.path)
        self._records.write(_event(0, file_version=_FILE_VERSION))
        self._records.flush()

    def add_scalar(self, tag, value, step):
        self._records.write(_event(step, [_bytes(1, tag) + _float(2, value)]))

    def add_histogram(self, tag, values, step, bins=None):
        """`bins`: a bucket count, or None / 'tensorflow' for TensorFlow's default of 30."""
        if hasattr(values, "detach"):
            values = values.detach().cpu().numpy()
        buckets = int(bins) if isinstance(bins, (int, np.integer)) and bins > 0 else _HISTOGRAM_BUCKETS
        self._records.write(_event(step, [_bytes(1, tag) + _bytes(5, _histogram(values, buckets))]))

    def add_images(self, tag, *args, **kwargs):
        self._needs_tensorboard("images", tag)

    def add_text(self, tag, *args, **kwargs):
        self._needs_tensorboard("text", tag)

    def add_audio(self, tag, *args, **kwargs):
        self._needs_tensorboard("audio", tag)

    def add_tensor(self, tag, *args, **kwargs):
        self._needs_tensorboard("raw tensor", tag)

    @staticmethod
    def _needs_tensorboard(kind, tag):
        raise ImportError(f"Writing the {kind} summary {tag!r} needs the 'tensorboard' package (pip install "
                          f"tensorboard); without it only scalars and histograms are written")

    def flush(self):
        self._records.flush()

    def close(self):
        self._records.close()
