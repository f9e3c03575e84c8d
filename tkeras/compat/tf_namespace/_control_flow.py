"""TensorFlow's graph-friendly control flow and Python escapes, as used inside `Dataset.map` functions:
`tf.cond`, `tf.case`, `tf.switch_case`, `tf.while_loop`, `tf.map_fn`, `tf.py_function`,
`tf.numpy_function`, `tf.ensure_shape`, `tf.TensorSpec`.

tkeras runs every map function eagerly, so these are plain Python control flow over real values; they
exist so code written for TensorFlow's tracing runs unchanged.
"""
import functools

import numpy as np
import torch

from tkeras.backend.eager_tensor import dtype_text
from tkeras.ops.core import for_user, tensor, to_torch_dtype
from tkeras.compat.tf_namespace._specs import TypeSpec


def cond(pred, true_fn=None, false_fn=None, name=None):
    """`true_fn()` if `pred` else `false_fn()`."""
    if true_fn is None or false_fn is None:
        raise TypeError("tf.cond: both true_fn and false_fn must be given (callables without arguments)")
    return true_fn() if bool(pred) else false_fn()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name=None):
    """The function of the first true predicate (with `exclusive=True`, exactly one may be true)."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    chosen = [fn for pred, fn in pairs if bool(pred)]
    if exclusive and len(chosen) > 1:
        raise ValueError(f"tf.case: exclusive=True but {len(chosen)} predicates are true")
    if chosen:
        return chosen[0]()
    if default is None:
        raise ValueError("tf.case: no predicate is true and no default was given")
    return default()


def switch_case(branch_index, branch_fns, default=None, name=None):
    """`branch_fns[branch_index]()`; an index out of range runs `default` (or the last branch)."""
    branches = dict(branch_fns) if isinstance(branch_fns, dict) else dict(enumerate(
        fn[1] if isinstance(fn, tuple) else fn for fn in branch_fns))
    index = int(branch_index)
    if index in branches:
        return branches[index]()
    return (default or branches[max(branches)])()


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, maximum_iterations=None, name=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (at most `maximum_iterations`)."""
    single = not isinstance(loop_vars, (list, tuple))
    values = [loop_vars] if single else list(loop_vars)
    steps = 0
    while bool(cond(*values)) and (maximum_iterations is None or steps < int(maximum_iterations)):
        result = body(*values)
        values = [result] if single or not isinstance(result, (list, tuple)) else list(result)
        steps += 1
    if single:
        return values[0]
    return tuple(values) if isinstance(loop_vars, tuple) else values


def _stack_results(results):
    first = results[0]
    if isinstance(first, (tuple, list)):
        return type(first)(_stack_results([r[i] for r in results]) for i in range(len(first)))
    if isinstance(first, dict):
        return {key: _stack_results([r[key] for r in results]) for key in first}
    return torch.stack([tensor(r) for r in results])


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """`fn` applied to each slice of `elems` along its first axis (a tuple of tensors: slices of each),
    the results stacked."""
    if isinstance(elems, (tuple, list)):
        parts = [tensor(e) for e in elems]
        results = [fn(type(elems)(p[i] for p in parts)) for i in range(parts[0].shape[0])]
    else:
        x = tensor(elems)
        results = [fn(x[i]) for i in range(x.shape[0])]
    if not results:
        raise ValueError("tf.map_fn: `elems` is empty along its first axis")
    return for_user(_stack_results(results))


def _as_output(value, dtype):
    """A py_function/numpy_function result as a tensor of the declared `Tout` dtype (text stays NumPy)."""
    array = value.detach() if isinstance(value, torch.Tensor) else np.asarray(value)
    if isinstance(array, np.ndarray) and array.dtype.kind in "SUO":
        return array
    out = tensor(array)
    dtype = to_torch_dtype(dtype) if dtype is not None and dtype != "string" else None
    return out.to(dtype) if dtype is not None else out


def _outputs(result, Tout, api):  # noqa: N803 - TensorFlow's argument name
    if isinstance(Tout, (list, tuple)):
        values = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(values) != len(Tout):
            raise ValueError(f"tf.{api}: the function returned {len(values)} values, Tout declares {len(Tout)}")
        return for_user([_as_output(v, t) for v, t in zip(values, Tout)])
    return for_user(_as_output(result, Tout))


def _as_input(value):
    """A py_function input as the function sees it: a tensor, or text as it came."""
    if isinstance(value, (str, bytes)) or isinstance(value, np.ndarray) and value.dtype.kind in "SUO":
        return value
    return for_user(tensor(value))


def _deferred(op, func, inp, **kwargs):
    """TensorFlow's decorator forms: `@tf.py_function(Tout=tf.string)` (no func) and `tf.py_function(f,
    Tout=...)` (no inputs) give a function that runs `op` on the arguments it is later called with."""
    if func is None:
        return lambda actual: _deferred(op, actual, None, **kwargs)
    return functools.wraps(func)(lambda *args: op(func, list(args), **kwargs))


def py_function(func=None, inp=None, Tout=None, name=None):  # noqa: N803
    """Calls `func` on the inputs as tensors; the results become tensors of the `Tout` dtypes."""
    if func is None or inp is None:
        return _deferred(py_function, func, inp, Tout=Tout)
    return _outputs(func(*[_as_input(v) for v in inp]), Tout, "py_function")


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):  # noqa: N803
    """Calls `func` on the inputs as NumPy arrays; the results become tensors of the `Tout` dtypes."""
    if func is None or inp is None:
        return _deferred(numpy_function, func, inp, Tout=Tout, stateful=stateful)
    arrays = [v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v) for v in inp]
    return _outputs(func(*arrays), Tout, "numpy_function")


def ensure_shape(x, shape, name=None):
    """`x` unchanged if its shape matches `shape` (None entries match anything), else a clear error."""
    actual = tuple(np.shape(x)) if not isinstance(x, torch.Tensor) else tuple(x.shape)
    wanted = None if shape is None else tuple(None if d is None or d == -1 else int(d) for d in shape)
    if wanted is not None and (len(wanted) != len(actual) or any(
            w is not None and w != a for w, a in zip(wanted, actual))):
        raise ValueError(f"tf.ensure_shape: shape of tensor {actual} is not compatible with expected shape "
                         f"{tuple('None' if w is None else w for w in wanted)}")
    return x


class TensorSpec(TypeSpec):
    """`tf.TensorSpec(shape, dtype)`: a description of a tensor (for `from_generator`'s
    `output_signature` and `tf.function`'s `input_signature`; tkeras only reads it)."""

    def __init__(self, shape, dtype=torch.float32, name=None):
        self.shape = None if shape is None else tuple(shape)
        self.dtype = dtype if dtype == "string" else to_torch_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value):
        try:
            ensure_shape(value, self.shape)
        except ValueError:
            return False
        return True

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (
            other.shape, other.dtype, other.name)

    def __hash__(self):
        return hash((self.shape, str(self.dtype), self.name))

    def __repr__(self):
        # TensorFlow's spelling, as `dataset.element_spec` shows in notebooks: dtype=tf.float32, shape=<unknown>.
        shape = "<unknown>" if self.shape is None else self.shape
        return f"TensorSpec(shape={shape}, dtype=tf.{dtype_text(self.dtype)}, name={self.name!r})"
