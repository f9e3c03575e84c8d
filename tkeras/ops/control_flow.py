"""Keras 3's functional control flow (`cond`, `while_loop`, `fori_loop`, `scan`, `map`, `switch`,
`vectorized_map`, `associative_scan`) and `custom_gradient`, run eagerly on torch.

Torch executes Python eagerly, so the loops are Python loops whose bodies autograd records; only
`associative_scan` and `vectorized_map` batch the work: the scan doubles its stride each step
(log2(n) applications of `f` on whole slices) and `vectorized_map` is `torch.vmap`, falling back to a
loop when the function does something vmap cannot trace (data-dependent Python control flow).
"""
import builtins

import numpy as np
import torch

from tkeras.ops.core import tensor, user_op
from tkeras.utils import tree


def _check_callable(op, name, value):
    if not callable(value):
        raise TypeError(f"{op}: argument {name!r} must be callable, received {type(value).__name__}")


def _as_tensors(structure):
    return tree.map_structure(lambda v: v if isinstance(v, torch.Tensor) else tensor(v), structure)


def _arrays_to_tensors(structure):
    """NumPy leaves of a loop state -> tensors (NumPy + tensor arithmetic is not defined); Python
    numbers stay numbers."""
    return tree.map_structure(lambda v: tensor(v) if isinstance(v, np.ndarray) else v, structure)


def _scalars_to_tensors(structure):
    """Python numbers and NumPy values in a result -> tensors (int32/float32), as Keras returns them."""
    numbers = (bool, int, float, complex, np.generic, np.ndarray)
    return tree.map_structure(lambda v: tensor(v) if isinstance(v, numbers) else v, structure)


def _stack(op, results):
    """A list of like-structured results -> one structure of stacked tensors."""
    first = results[0]
    leaves = [tree.flatten(r) for r in results]
    stacked = [torch.stack([_as_tensors(leaf[i]) for leaf in leaves]) for i in builtins.range(len(leaves[0]))]
    iterator = iter(stacked)
    return tree.map_structure(lambda _: next(iterator), first)


@user_op
def cond(pred, true_fn, false_fn):
    _check_callable("cond", "true_fn", true_fn)
    _check_callable("cond", "false_fn", false_fn)
    return _scalars_to_tensors(true_fn() if bool(pred) else false_fn())


@user_op
def switch(index, branches, *operands):
    if not branches:
        raise ValueError("switch: argument 'branches' must hold at least one function")
    chosen = builtins.min(builtins.max(int(index), 0), len(branches) - 1)  # out of range: clamped, as Keras
    return branches[chosen](*operands)


@user_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    _check_callable("while_loop", "cond", cond)
    _check_callable("while_loop", "body", body)
    packed = isinstance(loop_vars, (list, tuple))
    state = tuple(_arrays_to_tensors(list(loop_vars))) if packed else (_arrays_to_tensors(loop_vars),)
    steps = 0
    while (maximum_iterations is None or steps < maximum_iterations) and bool(cond(*state)):
        result = body(*state)
        state = tuple(result) if isinstance(result, (list, tuple)) else (result,)
        steps += 1
    state = _scalars_to_tensors(state)
    return state if packed else state[0]


@user_op
def fori_loop(lower, upper, body_fun, init_val):
    _check_callable("fori_loop", "body_fun", body_fun)
    value = _arrays_to_tensors(init_val)
    for i in builtins.range(int(lower), int(upper)):
        value = body_fun(i, value)
    return _scalars_to_tensors(value)


@user_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop `carry, y = f(carry, x)` over the leading axis of xs; returns (carry, stacked ys)."""
    _check_callable("scan", "f", f)
    if xs is None and length is None:
        raise ValueError("scan: pass 'xs', or 'length' when there is nothing to scan over")
    leaves = [] if xs is None else [_as_tensors(v) for v in tree.flatten(xs)]
    steps = int(length) if length is not None else leaves[0].shape[0]
    for leaf in leaves:
        if leaf.shape[0] != steps:
            raise ValueError(f"scan: every leaf of 'xs' needs {steps} items on axis 0, received shape "
                             f"{tuple(leaf.shape)}")
    carry, ys = _arrays_to_tensors(init), []
    order = builtins.range(steps - 1, -1, -1) if reverse else builtins.range(steps)
    for i in order:
        x = None
        if xs is not None:
            iterator = iter([leaf[i] for leaf in leaves])
            x = tree.map_structure(lambda _: next(iterator), xs)
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    carry = _scalars_to_tensors(carry)
    if not ys or builtins.all(v is None for v in tree.flatten(ys[0])):
        return carry, None
    return carry, _stack("scan", ys)


@user_op
def map(f, xs):  # noqa: A001 - Keras' name
    _check_callable("map", "f", f)
    leaves = [_as_tensors(v) for v in tree.flatten(xs)]
    results = []
    for i in builtins.range(leaves[0].shape[0]):
        iterator = iter([leaf[i] for leaf in leaves])
        results.append(f(tree.map_structure(lambda _: next(iterator), xs)))
    return _stack("map", results)


@user_op
def vectorized_map(function, elements):
    _check_callable("vectorized_map", "function", function)
    elements = _as_tensors(elements)
    try:
        return torch.vmap(function)(elements)
    except (RuntimeError, ValueError, TypeError, NotImplementedError):
        # vmap cannot trace data-dependent control flow (`.item()`, Python `if` on values): loop instead.
        leaves = tree.flatten(elements)
        results = []
        for i in builtins.range(leaves[0].shape[0]):
            iterator = iter([leaf[i] for leaf in leaves])
            results.append(function(tree.map_structure(lambda _: next(iterator), elements)))
        return _stack("vectorized_map", results)


@user_op
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix scan with an associative `f`, in ceil(log2(n)) batched applications of `f`."""
    _check_callable("associative_scan", "f", f)
    leaves = [_as_tensors(v) for v in tree.flatten(elems)]
    axis = int(axis) % builtins.max(leaves[0].dim(), 1)
    if reverse:
        leaves = [leaf.flip(axis) for leaf in leaves]
    n = leaves[0].shape[axis]

    def rebuild(flat):
        iterator = iter(flat)
        return tree.map_structure(lambda _: next(iterator), elems)

    offset = 1
    while offset < n:
        earlier = rebuild([leaf.narrow(axis, 0, n - offset) for leaf in leaves])
        later = rebuild([leaf.narrow(axis, offset, n - offset) for leaf in leaves])
        combined = [_as_tensors(v) for v in tree.flatten(f(earlier, later))]
        leaves = [torch.cat([leaf.narrow(axis, 0, offset), new], dim=axis) for leaf, new in zip(leaves, combined)]
        offset *= 2
    if reverse:
        leaves = [leaf.flip(axis) for leaf in leaves]
    return rebuild(leaves)


def custom_gradient(f):
    """Decorator: `f(*args)` returns `(output, grad_fn)`; backward calls `grad_fn(upstream)` instead of
    differentiating `f` (which then runs without recording a graph)."""
    _check_callable("custom_gradient", "f", f)

    class _CustomGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, kwargs, *args):
            output, grad_fn = f(*args, **kwargs)
            ctx.grad_fn = grad_fn
            ctx.tensor_inputs = [isinstance(a, torch.Tensor) for a in args]
            return output

        @staticmethod
        def backward(ctx, *upstream):
            grads = ctx.grad_fn(*upstream)
            grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
            result, supplied = [None], iter(grads)
            for is_tensor in ctx.tensor_inputs:
                result.append(next(supplied, None) if is_tensor else None)
            return tuple(result)

    def wrapper(*args, **kwargs):
        args = [tensor(a) if not isinstance(a, torch.Tensor) and _array_like(a) else a for a in args]
        return _CustomGradient.apply(kwargs, *args)

    wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapper.__doc__ = f.__doc__
    return wrapper


def _array_like(value):
    return hasattr(value, "__array__") or isinstance(value, (int, float, list))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """A function applying `pyfunc` (written for scalars) elementwise over broadcast tensor arguments,
    by `torch.vmap` over the flattened elements."""
    _check_callable("vectorize", "pyfunc", pyfunc)
    if signature is not None:
        raise NotImplementedError("vectorize: 'signature' (generalised ufuncs) is not supported in tkeras; "
                                  "use vectorized_map over the core dimensions instead")
    excluded = set(excluded or ())

    def vectorized(*args):
        mapped = [i for i in builtins.range(len(args)) if i not in excluded]
        tensors = torch.broadcast_tensors(*[tensor(args[i]) for i in mapped])
        shape = tensors[0].shape if tensors else ()

        def scalar_call(*values):
            full = list(args)
            for i, value in zip(mapped, values):
                full[i] = value
            return pyfunc(*full)

        flat = torch.vmap(scalar_call)(*[t.reshape(-1) for t in tensors])
        return tree.map_structure(lambda v: v.reshape(shape + v.shape[1:]), flat)

    return vectorized
