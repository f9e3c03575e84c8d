"""TensorBoard logs every evaluation (fit's validation and a separate `evaluate` given the callback) as
`evaluation_<metric>_vs_iterations` at the optimizer's step count in the validation folder, and tags weight
histograms `<path>/histogram`, as Keras does (Deep Learning Illustrated 9-4/10-3 pass the callback to fit).
The tags and steps were recorded from real Keras by fixtures/make_nb_i1_tensorboard_tags_reference.py."""
import glob
import json
import os

import numpy as np
import pytest

import tkeras as keras

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_i1_tensorboard_tags_reference.json")))


class _RecordingWriter:
    """Stands in for torch's SummaryWriter: records (folder, tag, step)."""
    rows = []

    def __init__(self, log_dir):
        self.kind = os.path.basename(log_dir)

    def add_scalar(self, tag, value, step):
        float(value)
        self.rows.append((self.kind, tag, int(step)))

    def add_histogram(self, tag, values, step):
        self.rows.append((self.kind, tag, int(step)))

    def flush(self):
        pass

    def close(self):
        pass


def _fit_then_evaluate(callback):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="out")])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.arange(12, dtype="float32").reshape(6, 2) / 10
    y = x.sum(1, keepdims=True)
    model.fit(x, y, batch_size=2, epochs=2, validation_data=(x, y), callbacks=[callback], verbose=0)
    model.evaluate(x, y, batch_size=3, callbacks=[callback], verbose=0)


def _expected(era, kind):
    return sorted(tuple(row) for row in REFERENCE[era][kind])


def test_evaluations_are_logged_against_optimizer_iterations(tmp_path):
    _RecordingWriter.rows = []
    callback = keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)
    callback._writer_class = _RecordingWriter
    _fit_then_evaluate(callback)
    validation = sorted((tag, step) for kind, tag, step in _RecordingWriter.rows if kind == "validation")
    assert validation == _expected("keras3", "validation") == _expected("tf_keras2", "validation")
    histograms = sorted((tag, step) for kind, tag, step in _RecordingWriter.rows if tag.endswith("/histogram"))
    assert histograms == [row for row in _expected("keras3", "train") if row[0].endswith("/histogram")]


def test_event_files_hold_the_tags_keras_3_writes(tmp_path):
    loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")
    _fit_then_evaluate(keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1))
    for kind in ("train", "validation"):
        rows = []
        for path in sorted(glob.glob(os.path.join(str(tmp_path), kind, "events*"))):
            for event in loader.EventFileLoader(path).Load():
                rows += [(value.tag, int(event.step)) for value in event.summary.value]
        assert sorted(rows) == _expected("keras3", kind)
