"""`tf.summary`: the logging half of a custom training loop, written as TensorBoard event files.

Writing goes through torch.utils.tensorboard's SummaryWriter, as tkeras' TensorBoard callback does, so
`tensorboard --logdir` shows a tkeras run as it shows a TensorFlow one. That needs the optional
`tensorboard` package; without it the callback's plain-Python writer (callbacks/event_file_writer.py)
writes scalars and histograms, the summaries a training loop logs, and the other kinds say what to
install. As in TensorFlow, summary calls outside any `writer.as_default()` block do nothing
and return False, so library code can log unconditionally.
"""
import contextlib
import os

import numpy as np
import torch

from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr

_STATE = {"writers": [], "step": None, "record": []}


def _number(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


class SummaryWriter:
    """One log directory. Entering `as_default` makes it the target of the tf.summary functions."""

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None):
        from tkeras.callbacks.event_file_writer import summary_writer_class
        writer_class = summary_writer_class()
        self._logdir = os.fspath(logdir)
        kwargs = {"max_queue": int(max_queue)} if max_queue else {}
        if flush_millis:
            kwargs["flush_secs"] = max(1, int(flush_millis) // 1000)
        self._writer = writer_class(self._logdir, filename_suffix=filename_suffix or "", **kwargs)
        self._closed = False

    @contextlib.contextmanager
    def as_default(self, step=None):
        previous_step = _STATE["step"]
        _STATE["writers"].append(self)
        if step is not None:
            _STATE["step"] = step
        try:
            yield self
        finally:
            _STATE["writers"].pop()
            if step is not None:
                _STATE["step"] = previous_step
            self.flush()

    def set_as_default(self, step=None):
        _STATE["writers"].append(self)
        if step is not None:
            _STATE["step"] = step

    def init(self):
        return None

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True
        _STATE["writers"][:] = [w for w in _STATE["writers"] if w is not self]

    def _target(self):
        if self._closed:
            raise ValueError(f"tf.summary: the writer for {self._logdir!r} is closed")
        return self._writer


class _NoopWriter(SummaryWriter):
    def __init__(self):
        self._logdir, self._closed, self._writer = None, False, None

    def flush(self):
        return None

    def close(self):
        return None


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    if logdir is None or not isinstance(logdir, (str, os.PathLike)):
        raise TypeError(f"tf.summary.create_file_writer: `logdir` must be a directory path, received {logdir!r}")
    return SummaryWriter(logdir, max_queue, flush_millis, filename_suffix)


create_file_writer_v2 = create_file_writer


def create_noop_writer():
    return _NoopWriter()


# -- step and recording condition ---------------------------------------------------------------
def set_step(step):
    _STATE["step"] = step


def get_step():
    return _STATE["step"]


@contextlib.contextmanager
def record_if(condition):
    """Skip the summaries of this block when `condition` (a bool, or a function of no arguments called at
    each summary) is false: e.g. log every 100 steps with `record_if(lambda: step % 100 == 0)`."""
    _STATE["record"].append(condition)
    try:
        yield
    finally:
        _STATE["record"].pop()


def should_record_summaries():
    if not _STATE["writers"] or isinstance(_STATE["writers"][-1], _NoopWriter):
        return False
    for condition in _STATE["record"]:
        value = condition() if callable(condition) else condition
        if not bool(_number(value)):
            return False
    return True


def _writer_and_step(step, function):
    if not should_record_summaries():
        return None, None
    step = _STATE["step"] if step is None else step
    if step is None:
        raise ValueError(f"tf.summary.{function}: no step given; pass `step=` or call "
                         f"tf.summary.experimental.set_step(step) first")
    return _STATE["writers"][-1]._target(), int(_number(step))


# -- the summaries ------------------------------------------------------------------------------
def scalar(name, data, step=None, description=None):
    writer, step = _writer_and_step(step, "scalar")
    if writer is None:
        return False
    value = _number(data)
    if value.size != 1:
        raise ValueError(f"tf.summary.scalar: `data` must be a scalar, received shape {value.shape}")
    writer.add_scalar(str(name), float(value.reshape(())), step)
    return True


def histogram(name, data, step=None, buckets=None, description=None):
    writer, step = _writer_and_step(step, "histogram")
    if writer is None:
        return False
    values = _number(data).astype(np.float64).reshape(-1)
    writer.add_histogram(str(name), values, step, bins=int(buckets) if buckets else "tensorflow")
    return True


def image(name, data, step=None, max_outputs=3, description=None):
    writer, step = _writer_and_step(step, "image")
    if writer is None:
        return False
    images = _number(data)
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(f"tf.summary.image: `data` must be [k, height, width, channels] with 1, 3 or 4 "
                         f"channels, received shape {images.shape}")
    images = images[:int(max_outputs)]
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255.0
    writer.add_images(str(name), images.astype(np.float32), step, dataformats="NHWC")
    return True


def text(name, data, step=None, description=None):
    writer, step = _writer_and_step(step, "text")
    if writer is None:
        return False
    values = np.asarray(data.numpy() if hasattr(data, "numpy") else data)
    strings = [v.decode() if isinstance(v, bytes) else str(v) for v in values.reshape(-1).tolist()]
    writer.add_text(str(name), strings[0] if values.ndim == 0 else "\n\n".join(strings), step)
    return True


def flush(writer=None, name=None):
    target = writer if writer is not None else (_STATE["writers"][-1] if _STATE["writers"] else None)
    if target is not None:
        target.flush()


def write(tag, tensor, step=None, metadata=None, name=None):
    """A raw tensor summary (TensorBoard's tensor plugin data); `tensor` may be a callable, as in TensorFlow."""
    writer, step = _writer_and_step(step, "write")
    if writer is None:
        return False
    value = _number(tensor() if callable(tensor) else tensor)
    if value.dtype.kind in "OUS":
        raise TypeError("tf.summary.write: text goes through tf.summary.text in tkeras")
    writer.add_tensor(str(tag), torch.from_numpy(np.ascontiguousarray(value)), step)
    return True


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Clips of [k, frames, channels] floats in [-1, 1]; each clip is logged as `name/audio/i` (the first
    channel: TensorBoard's audio through torch is mono)."""
    writer, step = _writer_and_step(step, "audio")
    if writer is None:
        return False
    clips = _number(data).astype(np.float32)
    if clips.ndim != 3:
        raise ValueError(f"tf.summary.audio: `data` must be [k, frames, channels], received shape {clips.shape}")
    rate = int(_number(sample_rate))
    for i, clip in enumerate(clips[:int(max_outputs)]):
        writer.add_audio(f"{name}/audio/{i}", torch.from_numpy(np.clip(clip[:, 0], -1, 1)), step, sample_rate=rate)
    return True


def _no_graph_tracing(api):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"tf.summary.{api} is not supported in tkeras: there is no TensorFlow graph to "
                                  f"trace; profile with torch.profiler and log with torch.utils.tensorboard")
    return refuse


trace_on, trace_off, trace_export, graph = (_no_graph_tracing(n) for n in ("trace_on", "trace_off", "trace_export",
                                                                           "graph"))

experimental = Namespace("tf.summary.experimental", set_step=set_step, get_step=get_step)
__getattr__ = module_getattr("tf.summary")
