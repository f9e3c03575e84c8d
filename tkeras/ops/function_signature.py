"""What `tf.function` adds around the Python function it runs eagerly: `input_signature` checks,
`python_function` and cached `get_concrete_function(...)` results (Hands-On ML, chapter 12).

A TensorFlow concrete function is one trace per input signature; tkeras has no graphs, so a concrete
function is the same Python function behind a handle that TensorFlow's identity rules hold for
(`f.get_concrete_function(x) is f.get_concrete_function(x)` for inputs of one shape and dtype).
Graph inspection (`.graph`, `.function_def`) is TensorFlow internals and stays unsupported.
"""
import functools
import inspect

import numpy as np
import torch

from tkeras.backend.eager_tensor import dtype_text


def _description(value):
    """(shape, dtype) of a tensor-like argument; a Python value stands for itself (TensorFlow retraces
    for each new Python value)."""
    if isinstance(value, torch.Tensor):
        return ("tensor", tuple(value.shape), value.dtype)
    if isinstance(value, np.ndarray):
        return ("tensor", tuple(value.shape), str(value.dtype))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return ("python", type(value).__name__, value)


class ConcreteFunction:
    """The handle `get_concrete_function` returns: callable, and the same object for the same signature."""

    def __init__(self, python_function, described):
        self._python_function = python_function
        self._described = described
        functools.update_wrapper(self, python_function)

    def __call__(self, *args, **kwargs):
        return self._python_function(*args, **kwargs)

    def __getattr__(self, name):
        if name in ("graph", "function_def", "structured_outputs", "inputs", "outputs"):
            raise AttributeError(f"ConcreteFunction.{name}: tkeras runs tf.function eagerly on torch, so there is "
                                 f"no TensorFlow graph to inspect")
        raise AttributeError(f"'ConcreteFunction' object has no attribute {name!r}")

    def __repr__(self):
        parts = []
        for kind, *rest in self._described:
            if kind == "tensor":
                shape, dtype = rest
                parts.append(f"TensorSpec(shape={shape}, dtype=tf.{dtype_text(dtype)})")
            else:
                parts.append(repr(rest[-1]))
        return f"<ConcreteFunction {self._python_function.__name__}({', '.join(parts)}) at 0x{id(self):X}>"


def concrete_function_getter(python_function):
    cache = {}

    def get_concrete_function(*args, **kwargs):
        described = tuple(_description(a) for a in args) + tuple(
            (name,) + _description(v) for name, v in sorted(kwargs.items()))
        if described not in cache:
            cache[described] = ConcreteFunction(python_function, [d[-3:] if len(d) > 3 else d for d in described])
        return cache[described]

    return get_concrete_function


def _spec_matches(spec, value):
    shape = getattr(spec, "shape", None)
    value_shape = tuple(value.shape) if hasattr(value, "shape") else np.shape(value)
    if shape is not None:
        shape = tuple(shape)
        if len(shape) != len(value_shape) or any(s is not None and s != v for s, v in zip(shape, value_shape)):
            return False
    spec_dtype = getattr(spec, "dtype", None)
    if isinstance(value, torch.Tensor) and isinstance(spec_dtype, torch.dtype) and value.dtype != spec_dtype:
        return False
    return True


def checking_signature(python_function, input_signature):
    """`python_function` behind TensorFlow's input_signature check: each positional input must have the
    rank, the fixed dimensions and (for a tensor) the dtype of its TensorSpec, else TypeError."""
    specs = list(input_signature)
    try:
        params = list(inspect.signature(python_function).parameters)
    except (TypeError, ValueError):
        params = []
    skip = 1 if params and params[0] == "self" else 0  # a method's signature leaves `self` out

    @functools.wraps(python_function)
    def call(*args, **kwargs):
        inputs = args[skip:]
        if len(inputs) > len(specs):
            raise TypeError(f"tf.function {python_function.__name__}: received {len(inputs)} positional inputs, "
                            f"but input_signature describes {len(specs)}")
        for index, (spec, value) in enumerate(zip(specs, inputs)):
            if not _spec_matches(spec, value):
                shape = tuple(value.shape) if hasattr(value, "shape") else np.shape(value)
                dtype = getattr(value, "dtype", type(value).__name__)
                raise TypeError(f"tf.function {python_function.__name__}: input {index} (shape {shape}, dtype "
                                f"{dtype_text(dtype)}) does not match its input_signature entry {spec!r}")
        return python_function(*args, **kwargs)

    return call
