"""Keras 2's `K.*` scopes and graph-era helpers that still mean something eagerly: the learning-phase
scope (`with K.learning_phase_scope(1): ...` runs layers in training mode), `K.name_scope` (names
nothing on torch but is accepted), `K.placeholder` (a model input for `K.function`) and `K.reset_uids`.
"""
import contextlib
import warnings

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT


@contextlib.contextmanager
def learning_phase_scope(value):
    """Layers called inside see `training=bool(value)` unless told otherwise; the phase is restored after."""
    if value not in (0, 1):
        raise ValueError(f"K.learning_phase_scope: the learning phase must be 0 (test) or 1 (training), received "
                         f"{value!r}")
    warnings.warn("`K.learning_phase_scope` is deprecated (tf-keras): pass training=True/False to the layer or "
                  "model call instead.", stacklevel=3)
    previous = CALL_CONTEXT.training
    CALL_CONTEXT.training = bool(value)
    try:
        yield
    finally:
        CALL_CONTEXT.training = previous


@contextlib.contextmanager
def name_scope(name):
    """Accepted for old code (`with K.name_scope('block1'):`); torch has no graph names to scope."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"K.name_scope: 'name' must be a non-empty string, received {name!r}")
    yield name + "/"


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """A symbolic model input of the full `shape` (batch axis included) or of `ndim` unknown axes: the
    starting point of the graph `K.function([placeholder], [outputs])` evaluates."""
    if sparse and ragged:
        raise ValueError("K.placeholder: 'sparse' and 'ragged' cannot both be True")
    if not shape:
        if not ndim:
            raise ValueError("K.placeholder needs shape=(batch, ...) or ndim=")
        shape = (None,) * int(ndim)
    from tkeras.backend.keras_tensor import make_input
    return make_input(batch_shape=tuple(shape), dtype=dtype or config.floatx(), sparse=sparse, name=name)


def reset_uids():
    """Forget the auto-names handed out so far: the next Dense is `dense` again (as tf-keras' reset_uids)."""
    from tkeras.backend.naming import _NAME_COUNTS
    _NAME_COUNTS.clear()
