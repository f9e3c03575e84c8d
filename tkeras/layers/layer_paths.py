"""Keras 3's `layer.path`: the names of the layers being built around this one, joined by '/'.

Keras builds a layer inside a name scope of its own name, so a layer built while a Sequential (or a
subclassed model) builds gets the path `seq/dense`, and its weights `seq/dense/kernel`; layers first
called in a functional construction keep their bare names. tkeras follows this with a small stack
pushed by every wrapped `build` (see `layer_build.marking_built`): set once, at the first build.
"""
import contextlib
import threading

_STATE = threading.local()


def _stack():
    stack = getattr(_STATE, "stack", None)
    if stack is None:
        stack = _STATE.stack = []
    return stack


def current_prefix():
    stack = _stack()
    return stack[-1] if stack else ""


@contextlib.contextmanager
def building(layer):
    state = layer.__dict__
    if state.get("_path") is None:
        prefix = current_prefix()
        state["_path"] = f"{prefix}/{layer.name}" if prefix else layer.name
    stack = _stack()
    stack.append(state["_path"])
    try:
        yield
    finally:
        stack.pop()


def path_of(layer):
    """The layer's path; None until it is built (as Keras)."""
    path = layer.__dict__.get("_path")
    if path is None and getattr(layer, "built", False):
        return layer.name
    return path
