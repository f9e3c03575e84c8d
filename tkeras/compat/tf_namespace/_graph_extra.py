"""Top-level `tf.*` names from graph-era and functional code that have an eager meaning: loops over the
leading axis (scan/foldl/foldr/vectorized_map), grouping and dependency helpers that eager execution makes
no-ops, gradient helpers, initializer aliases and variable enums."""
import contextlib
import enum

import torch

from tkeras.compat.tf_namespace import nest
from tkeras.ops.core import for_user, tensor


def _unstack_elems(elems, reverse=False):
    leaves = [tensor(e) for e in nest.flatten(elems)]
    n = leaves[0].shape[0]
    order = range(n - 1, -1, -1) if reverse else range(n)
    return [nest.pack_sequence_as(elems, [leaf[i] for leaf in leaves]) for i in order]


def _stack(results, structure):
    leaves = [nest.flatten(r) for r in results]
    stacked = [torch.stack([tensor(v) for v in column]) for column in zip(*leaves)]
    return nest.pack_sequence_as(structure, stacked)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    items = _unstack_elems(elems, reverse)
    if initializer is None:
        accumulator, items = items[0], items[1:]
        results = [accumulator]
    else:
        accumulator, results = initializer, []
    for item in items:
        accumulator = fn(accumulator, item)
        results.append(accumulator)
    if reverse:
        results = results[::-1]
    return for_user(_stack(results, results[0]))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    items = _unstack_elems(elems)
    accumulator = initializer
    if accumulator is None:
        accumulator, items = items[0], items[1:]
    for item in items:
        accumulator = fn(accumulator, item)
    return for_user(accumulator)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    items = _unstack_elems(elems, reverse=True)
    accumulator = initializer
    if accumulator is None:
        accumulator, items = items[0], items[1:]
    for item in items:
        accumulator = fn(accumulator, item)
    return for_user(accumulator)


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    results = [fn(item) for item in _unstack_elems(elems)]
    return for_user(_stack(results, results[0]))


def no_op(name=None):
    return None


def group(*inputs, **kwargs):
    return None


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TensorFlow's name
    return list(tensors)


def control_dependencies(control_inputs):
    """Eager ops run in program order, so the dependency already holds."""
    return contextlib.nullcontext()


def init_scope():
    return contextlib.nullcontext()


def inside_function():
    return False


def is_symbolic_tensor(tensor_):
    from tkeras.backend.keras_tensor import KerasTensor
    return isinstance(tensor_, KerasTensor)


def get_static_value(tensor_, partial=False):
    import numpy as np
    if isinstance(tensor_, torch.Tensor):
        return tensor_.detach().cpu().numpy()
    if is_symbolic_tensor(tensor_):
        return None
    return np.asarray(tensor_)


def custom_gradient(f=None):
    from tkeras.ops.control_flow import custom_gradient as _custom
    return _custom(f) if f is not None else _custom


def grad_pass_through(f):
    """Forward through f, backward as identity (straight-through), per input."""
    def wrapped(x):
        x = tensor(x)
        y = tensor(f(x))
        return for_user(x + (y - x).detach())
    return wrapped


def recompute_grad(f):
    """Trades memory for compute with torch's checkpointing; the values are the same as f's."""
    from torch.utils.checkpoint import checkpoint

    def wrapped(*args, **kwargs):
        return checkpoint(f, *args, use_reentrant=False, **kwargs)
    return wrapped


class VariableSynchronization(enum.Enum):
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class AggregationMethod:
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2
