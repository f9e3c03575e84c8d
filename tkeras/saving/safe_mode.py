"""The safe-loading policy: what a model file may and may not make tkeras do.

A `.keras`, `.h5` or JSON file is data from someone else. Loading one must not run code from it, read
anything outside it, change the state of the process, or take memory out of proportion to what the
model needs. The rules, each enforced where the data is read:

  rule                 refused                                                 lifted by
  -------------------  ------------------------------------------------------  ------------------------
  code                 Lambda bytecode (`__lambda__`, Keras 2 marshal lists),  safe_mode=False
                       a pickled torch module (TorchModuleWrapper's config)
  functions            functions that are not tkeras' own, registered or in    never (pass custom_objects)
                       `custom_objects` (names are never imported)
  operations           operator nodes naming anything but a public tkeras op   never
  foreign files        a vocabulary (or other asset) given as a file path      safe_mode=False
  hdf5 links           soft links, external links, external storage, virtual   never
                       datasets
  dataset size         an HDF5 dataset declaring more than `max_dataset_bytes`  set_max_dataset_bytes()
                       (4 GiB by default, Keras' floor), checked before reading
  nesting              configs nested deeper than `MAX_CONFIG_DEPTH`            never
  classes              a class that is not a tkeras layer/model, registered or never (pass custom_objects)
                       in `custom_objects`, at any nesting level

`safe_mode` is only ever an argument of the load call (or Keras 3's process-wide
`keras.config.enable_unsafe_deserialization()`, which lifts the same rules); nothing in a file can
change it. Outside a load (a user building `StringLookup(vocabulary="vocab.txt")` by hand) no rule
of this table applies: `in_safe_mode()` is None there, as in Keras.
"""
import contextlib
import contextvars

from tkeras.backend import config

# Keras refuses HDF5 datasets declaring more than 4 GiB (when they store far less); tkeras refuses any
# dataset above the limit before reading it. Model weights are also checked against the model's
# shapes before they are read, so the limit guards the reads whose shape nothing else bounds.
DEFAULT_MAX_DATASET_BYTES = 4 * 2 ** 30
MAX_CONFIG_DEPTH = 200  # far deeper than any real model config (nested models add ~6 levels each)

_SAFE_MODE = contextvars.ContextVar("tkeras_safe_mode", default=None)
_MAX_DATASET_BYTES = DEFAULT_MAX_DATASET_BYTES

OPT_IN = ("If you trust the source of this file, load it with safe_mode=False "
          "(an argument of the load call; the file cannot request it).")


@contextlib.contextmanager
def loading_scope(safe_mode):
    """The extent of one load: inside it, `in_safe_mode()` tells the layers being rebuilt whether the
    caller asked for safe mode."""
    token = _SAFE_MODE.set(bool(safe_mode) and not config.unsafe_deserialization_enabled())
    try:
        yield
    finally:
        _SAFE_MODE.reset(token)


def in_safe_mode():
    """True inside a safe-mode load, False inside a `safe_mode=False` load, None outside any load
    (Keras' `serialization_lib.in_safe_mode`)."""
    return _SAFE_MODE.get()


def bytecode_allowed():
    """Lambda bytecode may be turned back into code: in a `safe_mode=False` load, after
    `enable_unsafe_deserialization()`, and never by default (a direct `Lambda.from_config` too)."""
    return config.unsafe_deserialization_enabled() or _SAFE_MODE.get() is False


def enable_unsafe_deserialization():
    """Keras 3's process-wide opt-out: every load behaves as if given `safe_mode=False`."""
    config.enable_unsafe_deserialization()


def max_dataset_bytes():
    return _MAX_DATASET_BYTES


def set_max_dataset_bytes(limit):
    """Raise (or lower) the largest HDF5 dataset a load will read, in bytes; None restores 4 GiB."""
    global _MAX_DATASET_BYTES
    if limit is None:
        _MAX_DATASET_BYTES = DEFAULT_MAX_DATASET_BYTES
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ValueError(f"set_max_dataset_bytes: expected a positive number of bytes (int) or None, "
                         f"received {limit!r}")
    _MAX_DATASET_BYTES = limit


def check_depth(config, filepath, what="the model config"):
    """Refuse a config nested deeper than MAX_CONFIG_DEPTH, before any recursive walk meets it (a
    900-deep JSON would otherwise end in a RecursionError somewhere in the loader)."""
    from tkeras.saving.errors import FileLimitError
    stack = [(config, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_CONFIG_DEPTH:
            raise FileLimitError(f"{filepath}: {what} is nested more than {MAX_CONFIG_DEPTH} levels deep "
                                 f"(rule: nesting); no Keras model needs that many")
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node if isinstance(value, (dict, list)))
