"""TensorBoard(log_dir=...) in fit works without the `tensorboard` package (김태영's Keras blog,
"Training_Monitoring", passes one to fit; real Keras needs nothing beyond TensorFlow): the plain-Python
writer's event files are decoded here by an independent reader (record framing, CRC-32C, protobuf fields)
and hold the tags and steps real Keras 3 writes (recorded by fixtures/make_nb_i1_tensorboard_tags_reference.py)."""
import glob
import json
import os
import struct

import numpy as np
import pytest

import tkeras as keras
from tkeras.callbacks import event_file_writer

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_i1_tensorboard_tags_reference.json")))


def _crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    crc ^= 0xFFFFFFFF
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _records(path):
    data = open(path, "rb").read()
    at = 0
    while at < len(data):
        header = data[at:at + 8]
        (length,), (header_crc,) = struct.unpack("<Q", header), struct.unpack("<I", data[at + 8:at + 12])
        body = data[at + 12:at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        assert header_crc == _crc32c(header) and body_crc == _crc32c(body)
        yield body
        at += 16 + length


def _fields(message):
    """{field number: [values]} of a protobuf message (varint -> int, 64/32-bit -> bytes, length -> bytes)."""
    out, at = {}, 0
    while at < len(message):
        key, at = _varint(message, at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(message, at)
        elif wire == 1:
            value, at = message[at:at + 8], at + 8
        elif wire == 5:
            value, at = message[at:at + 4], at + 4
        else:
            length, at = _varint(message, at)
            value, at = message[at:at + length], at + length
        out.setdefault(field, []).append(value)
    return out


def _varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _read_events(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        events = [_fields(record) for record in _records(path)]
        assert events[0][3] == [b"brain.Event:2"]
        for event in events[1:]:
            for value in _fields(event[5][0])[1]:
                value = _fields(value)
                rows.append((value[1][0].decode(), event.get(2, [0])[0], value))
    return rows


@pytest.fixture
def plain_writer(monkeypatch):
    monkeypatch.setattr(event_file_writer, "summary_writer_class", lambda: event_file_writer.EventFileWriter)


def test_fit_and_evaluate_write_the_tags_keras_writes(tmp_path, plain_writer):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="out")])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.arange(12, dtype="float32").reshape(6, 2) / 10
    y = x.sum(1, keepdims=True)
    callback = keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1, write_graph=True, write_images=True)
    history = model.fit(x, y, batch_size=2, epochs=2, validation_data=(x, y), callbacks=[callback], verbose=0)
    model.evaluate(x, y, batch_size=3, callbacks=[callback], verbose=0)
    for kind in ("train", "validation"):
        rows = _read_events(str(tmp_path / kind))
        assert sorted((tag, step) for tag, step, _ in rows) == sorted(map(tuple, REFERENCE["keras3"][kind]))
    train = _read_events(str(tmp_path / "train"))
    losses = [struct.unpack("<f", value[2][0])[0] for tag, _, value in train if tag == "epoch_loss"]
    assert losses == pytest.approx(history.history["loss"], rel=1e-6)
    kernel = model.get_layer("out").get_weights()[0].astype(np.float64).ravel()
    last = [value[5][0] for tag, step, value in train if tag == "sequential/out/kernel/histogram" and step == 1][0]
    histogram = {number: values for number, values in _fields(last).items()}
    low, high, count, total, squares = (struct.unpack("<d", histogram[n][0])[0] for n in (1, 2, 3, 4, 5))
    assert (low, high, count) == (kernel.min(), kernel.max(), 2.0)
    assert total == pytest.approx(kernel.sum()) and squares == pytest.approx(np.square(kernel).sum())
    counts = struct.unpack(f"<{len(histogram[7][0]) // 8}d", histogram[7][0])
    assert sum(counts) == 2.0 and len(counts) == 30


def test_without_tensorboard_the_callback_falls_back_to_the_plain_writer():
    import importlib.util
    if importlib.util.find_spec("tensorboard") is not None:
        pytest.skip("the tensorboard package is installed: torch's SummaryWriter is used")
    assert event_file_writer.summary_writer_class() is event_file_writer.EventFileWriter
