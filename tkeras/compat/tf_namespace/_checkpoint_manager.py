"""`tf.train.CheckpointManager` and the helpers that find checkpoints in a directory.

The directory's `checkpoint` state file is written in TensorFlow's text form (`model_checkpoint_path:
"ckpt-3"`), paths relative to the directory, so a training run resumed by a script that reads the file
itself, or by `tf.train.latest_checkpoint`, finds the same checkpoint it would under TensorFlow.
"""
import json
import os
import time

import numpy as np

from tkeras.compat.tf_namespace import _checkpoint_io as io
from tkeras.compat.tf_namespace import errors

STATE_FILE = "checkpoint"


class CheckpointState:
    """The parsed state file; paths are joined with the directory as TensorFlow returns them."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths, all_model_checkpoint_timestamps=(),
                 last_preserved_timestamp=0.0):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = last_preserved_timestamp

    def __repr__(self):
        return f"model_checkpoint_path: {json.dumps(self.model_checkpoint_path)}"


def _relative(directory, path):
    return os.path.relpath(path, directory) if os.path.dirname(os.path.abspath(path)) == os.path.abspath(
        directory) else path


def write_state(directory, latest, paths, timestamps=None, last_preserved=None):
    directory = directory or "."
    lines = [f"model_checkpoint_path: {json.dumps(_relative(directory, latest))}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(_relative(directory, p))}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in timestamps or ()]
    if last_preserved is not None:
        lines.append(f"last_preserved_timestamp: {last_preserved!r}")
    target = os.path.join(directory, STATE_FILE)
    with open(target + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(target + ".tmp", target)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    path = os.path.join(os.fspath(checkpoint_dir), latest_filename or STATE_FILE)
    if not os.path.isfile(path):
        return None
    fields = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().partition(": ")
            if key:
                fields.setdefault(key, []).append(json.loads(value))
    if "model_checkpoint_path" not in fields:
        raise ValueError(f"Invalid checkpoint state file {path!r}: it has no model_checkpoint_path")

    def absolute(p):
        return p if os.path.isabs(p) else os.path.join(os.fspath(checkpoint_dir), p)
    return CheckpointState(absolute(fields["model_checkpoint_path"][0]),
                           [absolute(p) for p in fields.get("all_model_checkpoint_paths", [])],
                           [float(t) for t in fields.get("all_model_checkpoint_timestamps", [])],
                           float(fields.get("last_preserved_timestamp", [0.0])[0]))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The newest checkpoint named in the directory's state file, or None (no file, or its files gone)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not io.exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def _prefix_of(ckpt_dir_or_file):
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return latest
    return path


class SavedDType:
    """A saved value's dtype as TensorFlow's reader reports it: it has a `.name` ('float32', what the
    checkpoint guide prints) and compares equal to `tf.float32` (tkeras' dtypes are torch dtypes, which
    have no name attribute)."""

    def __init__(self, name):
        self.name = name

    @property
    def as_numpy_dtype(self):
        return np.dtype(self.name).type

    def _torch(self):
        from tkeras.compat.tf_namespace.dtypes import as_dtype
        return as_dtype(self.name)

    def __eq__(self, other):
        if isinstance(other, SavedDType):
            return other.name == self.name
        try:
            from tkeras.compat.tf_namespace.dtypes import as_dtype
            return as_dtype(other) == self._torch()
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self):
        return hash(self._torch())

    def __repr__(self):
        return f"tf.{self.name}"


class CheckpointReader:
    """`tf.train.load_checkpoint`: the saved values by name, without any model to put them in."""

    def __init__(self, ckpt_dir_or_file):
        self._reader = io.Reader(_prefix_of(ckpt_dir_or_file))

    def get_variable_to_shape_map(self):
        return {key: self._reader.shape(key) for key in self._reader.keys()}

    def get_variable_to_dtype_map(self):
        return {key: SavedDType(self._reader.entries[key]["dtype"]) for key in self._reader.keys()}

    def has_tensor(self, name):
        return self._key(name) is not None

    def _key(self, name):
        name = name[:-2] if name.endswith(":0") else name
        for key in (name, f"{name}/.ATTRIBUTES/VARIABLE_VALUE"):
            if key in self._reader.entries:
                return key
        return None

    def get_tensor(self, name):
        key = self._key(name)
        if key is None:
            raise errors.op_error(errors.NotFoundError, f"Key {name} not found in checkpoint")
        return self._reader.tensor(key).numpy()


def load_checkpoint(ckpt_dir_or_file):
    return CheckpointReader(ckpt_dir_or_file)


def list_variables(ckpt_dir_or_file):
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    shapes["_CHECKPOINTABLE_OBJECT_GRAPH"] = []  # TensorFlow lists its object graph entry too
    return sorted(shapes.items())


def load_variable(ckpt_dir_or_file, name):
    value = load_checkpoint(ckpt_dir_or_file).get_tensor(name)
    return value.reshape(()) if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _delete(prefix):
    for suffix in (io.INDEX_SUFFIX, io.DATA_SUFFIX):
        try:
            os.remove(prefix + suffix)
        except FileNotFoundError:
            pass


class CheckpointManager:
    """Numbered saves in one directory, keeping the newest `max_to_keep` (all when None)."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None, init_fn=None):
        from tkeras.compat.tf_namespace.checkpoint import Checkpoint
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager: `checkpoint` must be a tf.train.Checkpoint, received "
                            f"{type(checkpoint).__name__}")
        if directory is None or not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"CheckpointManager: `directory` must be a path, received {directory!r}")
        if max_to_keep is not None and (not isinstance(max_to_keep, int) or max_to_keep <= 0):
            raise ValueError(f"CheckpointManager: `max_to_keep` must be a positive int or None, "
                             f"received {max_to_keep!r}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("CheckpointManager: `step_counter` should be passed if `checkpoint_interval` is set")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_seconds = None if keep_checkpoint_every_n_hours is None else \
            keep_checkpoint_every_n_hours * 3600.0
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._last_checkpoint_step = None
        self._init_fn = init_fn
        self._kept = {}  # path -> timestamp, oldest first
        self._last_preserved = time.time()
        state = get_checkpoint_state(self._directory)
        if state is not None:
            stamps = state.all_model_checkpoint_timestamps
            for i, path in enumerate(state.all_model_checkpoint_paths):
                self._kept[path] = stamps[i] if i < len(stamps) else time.time()
            self._last_preserved = state.last_preserved_timestamp or self._last_preserved

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    @property
    def checkpoints(self):
        return list(self._kept)

    @property
    def latest_checkpoint(self):
        return next(reversed(self._kept), None)

    def _sweep(self):
        if self._max_to_keep is None:
            return
        while len(self._kept) > self._max_to_keep:
            path = next(iter(self._kept))
            stamp = self._kept.pop(path)
            if self._keep_every_seconds is not None and stamp - self._last_preserved > self._keep_every_seconds:
                self._last_preserved = stamp  # kept on disk for good, no longer managed
                continue
            _delete(path)

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Save as `<directory>/<checkpoint_name>-<n>`; returns the path, or None when the interval
        since the last save (in steps of `step_counter`) has not passed yet."""
        if self._checkpoint_interval is not None and check_interval:
            step = int(np.asarray(self._step_counter))
            if self._last_checkpoint_step is not None and step < self._last_checkpoint_step + \
                    self._checkpoint_interval:
                return None
            self._last_checkpoint_step = step
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = int(counter.numpy())
        elif hasattr(checkpoint_number, "numpy"):
            checkpoint_number = int(checkpoint_number.numpy())
        path = self._checkpoint.write(f"{self._prefix}-{int(checkpoint_number)}")
        self._kept.pop(path, None)
        self._kept[path] = time.time()
        self._sweep()
        write_state(self._directory, path, list(self._kept), list(self._kept.values()), self._last_preserved)
        return path

    def restore_or_initialize(self):
        latest = self.latest_checkpoint
        if latest is not None:
            self._checkpoint.restore(latest)
            return latest
        if self._init_fn is not None:
            self._init_fn()
        return None
