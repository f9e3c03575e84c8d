"""Keras 2's `K.*` for variables and randomness: in-place updates (`K.update_add(v, 1)`), the moving
average a hand-written BatchNormalization keeps, variables drawn at random, and the random tensors
tf-keras offers beside `K.random_normal` (`random_bernoulli`, `truncated_normal`).

Updates to concrete values happen at once on the Variable and return it; an update to a symbolic value
is deferred to the `K.function` whose `updates` list holds it (graph_function.GraphUpdate).
"""
from tkeras.backend import config
from tkeras.backend.functions import _t, random_normal, random_uniform
from tkeras.backend.graph_function import assignment
from tkeras.backend.keras_tensor import KerasTensor, record_in_graphs


def _variable(op, x):
    if not hasattr(x, "assign"):
        raise TypeError(f"K.{op} needs a variable (K.variable(...) or a layer weight), received {type(x).__name__}")
    return x


def update(x, new_x):
    if isinstance(new_x, KerasTensor):  # a graph's value: K.function(..., updates=[...]) assigns it per call
        return assignment(_variable("update", x), new_x)
    _variable("update", x).assign(new_x)
    return x


def update_add(x, increment):
    if isinstance(increment, KerasTensor):
        return assignment(_variable("update_add", x), increment, "assign_add")
    _variable("update_add", x).assign_add(increment)
    return x


def update_sub(x, decrement):
    if isinstance(decrement, KerasTensor):
        return assignment(_variable("update_sub", x), decrement, "assign_sub")
    _variable("update_sub", x).assign_sub(decrement)
    return x


def moving_average_update(x, value, momentum):
    """x <- x * momentum + value * (1 - momentum), the running statistics' update."""
    _variable("moving_average_update", x)
    value = _t(value).to(x.dtype)
    x.assign_sub((x.detach() - value) * (1.0 - float(momentum)))
    return x


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """1 with probability p, else 0 (a uniform draw at or below p counts as 1, as tf-keras)."""
    return (random_uniform(shape, seed=seed) <= p).to(config.standardize_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws within two standard deviations of the mean (farther ones drawn again)."""
    from tkeras.ops import random
    return random.truncated_normal(shape, mean, stddev, dtype=dtype or config.floatx(), seed=seed)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    from tkeras.backend.variable import Variable
    return Variable(random_uniform(shape, low, high, dtype=dtype, seed=seed), dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    from tkeras.backend.variable import Variable
    return Variable(random_normal(shape, mean, scale, dtype=dtype, seed=seed), dtype=dtype, name=name)


# The tensor functions: on KerasTensors (functional code) they become op nodes of the graph, as tf-keras
# recorded them (TFOpLambda).
record_in_graphs(globals(), [
    "truncated_normal"
])
