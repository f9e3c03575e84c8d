"""Symbolic tensors that Keras 2 code uses by value while a model runs: the VAE's closures.

In a TensorFlow 1 graph every tensor is symbolic, so Keras 2 code freely mixes a model's intermediate
tensors into code that runs on each batch:

    z_mean, z_log_var = Dense(2)(h), Dense(2)(h)
    def vae_loss(x, x_decoded):                       # compile(loss=vae_loss)
        kl = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
        return K.mean(binary_crossentropy(x, x_decoded) + kl)

and custom layers whose `call` reads such tensors from the enclosing script. tkeras runs each batch
eagerly, where `z_mean` would still be a placeholder. So a functional model whose graph holds a
*captured* tensor (one such code touched) publishes that tensor's value for the current batch while a
step runs (`publish`, inside `step`), and an operator or op applied to captured placeholders inside a
step computes on those values instead of recording a graph node (`live_arguments`).

A tensor is marked captured when an op receives it together with real tensors (a layer's `call`
probed while the graph is built), or when compile finds it among a loss or metric function's globals
or closure cells (`mark_referenced_by`). Outside a step, ops on placeholders record graph nodes as
always, so graphs built after training (`K.function([x], [z_mean * 2])`) are unaffected.
"""
import contextlib
import threading
import weakref

from tkeras.utils import tree

_CAPTURED = weakref.WeakSet()
_STATE = threading.local()
_VERSION = [0]  # bumped by each new mark: models recompute which of their tensors to publish


def is_captured(tensor):
    return tensor in _CAPTURED


def any_captured():
    return bool(_CAPTURED)


def mark(tensors):
    for tensor in tensors:
        if tensor not in _CAPTURED:
            _CAPTURED.add(tensor)
            _VERSION[0] += 1


def version():
    return _VERSION[0]


def mark_referenced_by(function, keras_tensor_type):
    """The placeholders a (loss or metric) function reads from its globals or closure cells."""
    code = getattr(function, "__code__", None)
    if code is None:
        return
    found = [function.__globals__.get(name) for name in code.co_names if name in function.__globals__]
    found += [cell.cell_contents for cell in (function.__closure__ or ()) if _filled(cell)]
    mark(v for v in found if isinstance(v, keras_tensor_type))


@contextlib.contextmanager
def step():
    """While a training/evaluation/prediction step (or a direct model call) runs: values may be published
    and read. Nested scopes share the outer one's values."""
    outer = getattr(_STATE, "values", None)
    if outer is None:
        _STATE.values = {}
    try:
        yield
    finally:
        if outer is None:
            _STATE.values = None


def publish(tensor, value):
    values = getattr(_STATE, "values", None)
    if values is not None:
        values[id(tensor)] = (tensor, value)


def live_arguments(args, kwargs, keras_tensor_type):
    """(args, kwargs) with every placeholder replaced by its value in the running step, or None when
    there is no step or some placeholder has no published value (the op is then recorded as a node)."""
    values = getattr(_STATE, "values", None)
    if not values:
        return None
    missing = []

    def swap(value):
        if not isinstance(value, keras_tensor_type):
            return value
        entry = values.get(id(value))
        if entry is None or entry[0] is not value:
            missing.append(value)
            return value
        return entry[1]

    swapped = tree.map_structure(swap, list(args)), tree.map_structure(swap, dict(kwargs))
    return None if missing else swapped


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def stepping(function):
    """`function` (a train/test/predict step) run inside `step()`: the values its forward publishes stay
    readable until its loss is computed."""
    def run(*args, **kwargs):
        with step():
            return function(*args, **kwargs)
    return run


def suspend():
    """Hide the running step's values (callbacks are user code: graphs they build record nodes); returns
    what `resume` puts back."""
    held = getattr(_STATE, "values", None)
    _STATE.values = None
    return held


def resume(held):
    _STATE.values = held
