"""TensorFlow's ragged dispatch: `tf.*` functions that take a RaggedTensor and answer as TensorFlow does.

In TensorFlow `tf.reduce_mean(words_per_sentence, axis=1)`, `tf.exp(rt)` or `tf.where(rt > 0, rt, 0)` work
on ragged input: elementwise functions act on the flat values and keep the rows, reductions return a
dense tensor (or fewer rows), and structure functions (`reverse`, `gather`, `stack`, `expand_dims`)
move whole rows. Here each such function is the dense one behind a check of its first tensor
argument: dense input goes straight to the dense function (one isinstance test), ragged input to the
code below. `tf` and `tf.math` take their names from here (see `__init__.py` and `math.py`).
"""
import functools
import inspect

import torch

from tkeras.compat.tf_namespace import _functions, _ragged_convert, _ragged_reductions, _text
from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor, take
from tkeras.ops import core, math_ops, nn, shape_ops
from tkeras.ops.core import for_user


def _flat(ragged, name):
    flat = ragged._flat()
    if not isinstance(flat, torch.Tensor):
        raise TypeError(f"tf.{name}: the RaggedTensor holds strings; tf.{name} needs numbers")
    return flat


def _operands(dense, count):
    """The names of `dense`'s first `count` parameters: callers (a TFOpLambda rebuilt from a saved model,
    TensorFlow's keyword spellings) may pass the operands by them."""
    return list(inspect.signature(dense).parameters)[:count]


def _split(names, args, kwargs):
    """(operands, remaining args, remaining kwargs), the operands taken by position or by name."""
    operands = list(args[:len(names)])
    kwargs = dict(kwargs)
    for name in names[len(operands):]:
        operands.append(kwargs.pop(name, None))
    return operands, args[len(names):], kwargs


def elementwise(dense):
    """`dense(x, ...)` on the flat values of a ragged `x`, keeping its rows."""
    names = _operands(dense, 1)

    @functools.wraps(dense)
    def op(*args, **kwargs):
        if args and not isinstance(args[0], RaggedTensor):  # the common call: one isinstance test
            return dense(*args, **kwargs)
        (x,), rest, others = _split(names, args, kwargs)
        if isinstance(x, RaggedTensor):
            return x.with_flat_values(dense(_flat(x, dense.__name__), *rest, **others))
        return dense(*args, **kwargs)
    return op


def pairwise(dense):
    """`dense(x, y)` where either may be ragged: the other is a scalar, flat values of the same shape,
    or a RaggedTensor with the same rows (RaggedTensor._binary checks which)."""
    names = _operands(dense, 2)

    @functools.wraps(dense)
    def op(*args, **kwargs):
        if len(args) >= 2 and not isinstance(args[0], RaggedTensor) and not isinstance(args[1], RaggedTensor):
            return dense(*args, **kwargs)  # the common call
        (x, y), rest, others = _split(names, args, kwargs)
        if isinstance(x, RaggedTensor):
            return x._binary(y, lambda a, b: dense(a, b, *rest, **others))
        if isinstance(y, RaggedTensor):
            return y._binary(x, lambda a, b: dense(a, b, *rest, **others), reverse=True)
        return dense(*args, **kwargs)
    return op


def reduction(dense, kind):
    """`tf.reduce_<kind>`, with TensorFlow's keywords (`input_tensor=`, `keep_dims=`) on ragged input too."""
    @functools.wraps(dense)
    def op(*args, **kwargs):
        x = args[0] if args else kwargs.get("input_tensor", kwargs.get("x"))
        if not isinstance(x, RaggedTensor):
            return dense(*args, **kwargs)
        rest = dict(zip(("axis", "keepdims", "name"), args[1:]))
        rest.update((k, v) for k, v in kwargs.items() if k not in ("input_tensor", "x"))
        keepdims = rest.get("keepdims", rest.get("keep_dims", False))
        return _ragged_reductions.reduce(x, kind, rest.get("axis"), bool(keepdims))
    return op


def _ragged_reverse(ragged, axis):
    if axis == 0:
        return ragged.gather_rows(torch.arange(ragged.nrows_int() - 1, -1, -1))
    splits, values = ragged._row_splits, ragged._values
    if axis == 1:
        rows = _ragged_convert.row_ids(splits)
        mirrored = splits[rows] + splits[rows + 1] - 1 - torch.arange(rows.numel())
        return ragged.with_values(take(values, mirrored))
    if isinstance(values, RaggedTensor):
        return ragged.with_values(_ragged_reverse(values, axis - 1))
    return ragged.with_values(values.flip(axis - 1))


def reverse(tensor, axis, name=None):
    if not isinstance(tensor, RaggedTensor):
        return shape_ops.reverse(tensor, axis, name=name)
    axes = axis.tolist() if isinstance(axis, torch.Tensor) else axis
    rank = tensor.ndim
    for each in ([axes] if isinstance(axes, int) else list(axes)):
        if not -rank <= int(each) < rank:
            raise ValueError(f"tf.reverse: axis {each} is out of range for a RaggedTensor of rank {rank}")
        tensor = _ragged_reverse(tensor, int(each) % rank)
    return tensor


def _coordinates(ragged, flat_positions):
    """(N, rank) int64 coordinates of flat values given as (N, 1 + inner rank) positions in the flat values."""
    levels, current = [], ragged
    while isinstance(current, RaggedTensor):
        levels.append(current._row_splits)
        current = current._values
    coords = flat_positions
    for splits in reversed(levels):  # innermost partition first: a position becomes (row, place in the row)
        index = coords[:, 0]
        rows = torch.searchsorted(splits, index, right=True) - 1
        coords = torch.cat([rows[:, None], (index - splits[rows])[:, None], coords[:, 1:]], dim=1)
    return coords


def where(condition, x=None, y=None, name=None):
    """TensorFlow's `tf.where`; a ragged condition picks among flat values (x and y: scalars or the same rows),
    or alone gives the (N, rank) int64 coordinates of its True values."""
    ragged = [v for v in (condition, x, y) if isinstance(v, RaggedTensor)]
    if not ragged:
        return shape_ops.tf_where(condition, x, y, name=name)
    if not isinstance(condition, RaggedTensor):
        raise TypeError("tf.where: with RaggedTensor values the condition must be a RaggedTensor with the same rows")
    mask = _flat(condition, "where").bool()
    if x is None and y is None:
        return for_user(_coordinates(condition, torch.nonzero(mask)))
    if x is None or y is None:
        raise ValueError("tf.where: give both x and y, or neither")

    def flat_of(value):
        if isinstance(value, RaggedTensor):
            if not _ragged_convert.same_splits(value, condition):
                raise ValueError("tf.where: x and y must have the same rows as the condition")
            return _flat(value, "where")
        return core.tensor(value)

    return condition.with_flat_values(shape_ops.where(mask, flat_of(x), flat_of(y)))  # the dense dtype rules


def _like(dense):
    def op(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's argument name
        if isinstance(input, RaggedTensor):
            flat = _flat(input, dense.__name__)
            return input.with_flat_values(dense(flat, dtype=dtype))
        return dense(input, dtype=dtype, name=name)
    op.__name__ = op.__qualname__ = dense.__name__
    op.__doc__ = dense.__doc__
    return op


def size(input, out_type=None, name=None):  # noqa: A002
    if isinstance(input, RaggedTensor):
        return for_user(torch.tensor(_flat(input, "size").numel(), dtype=core.to_torch_dtype(out_type) or torch.int32))
    return core.size(input, out_type=out_type, name=name)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    if isinstance(params, RaggedTensor):
        if axis not in (None, 0) or batch_dims:
            raise NotImplementedError("tf.gather: a RaggedTensor gathers whole rows (axis=0, batch_dims=0) in tkeras")
        return params.gather_rows(indices)
    return _text.gather(params, indices, validate_indices=validate_indices, axis=axis, batch_dims=batch_dims,
                        name=name)


def stack(values, axis=0, name="stack"):
    values = list(values)
    if not any(isinstance(v, RaggedTensor) for v in values):
        return shape_ops.stack(values, axis=axis, name=name)
    if int(axis) != 0:
        raise NotImplementedError(f"tf.stack: RaggedTensors stack along axis 0 in tkeras, received axis={axis}")
    items = [v if isinstance(v, RaggedTensor) else RaggedTensor.from_tensor(v) for v in values]
    rows = [item._row(i) for item in items for i in range(item.nrows_int())]
    return RaggedTensor.from_row_lengths(RaggedTensor.from_rows_of(rows), [item.nrows_int() for item in items])


def expand_dims(input, axis, name=None):  # noqa: A002
    if not isinstance(input, RaggedTensor):
        return _text.expand_dims(input, axis, name=name)
    rank = input.ndim
    axis = int(axis)
    if axis in (0, -rank - 1):
        return RaggedTensor.from_row_splits(input, [0, input.nrows_int()])
    if axis == 1:
        return RaggedTensor.from_row_splits(input, torch.arange(input.nrows_int() + 1))
    raise NotImplementedError(f"tf.expand_dims: a RaggedTensor gains an axis at 0 or 1 in tkeras, received {axis}")


reduce_sum = reduction(_functions.reduce_sum, "sum")
reduce_prod = reduction(_functions.reduce_prod, "prod")
reduce_mean = reduction(_functions.reduce_mean, "mean")
reduce_max = reduction(_functions.reduce_max, "max")
reduce_min = reduction(_functions.reduce_min, "min")
reduce_any = reduction(_functions.reduce_any, "any")
reduce_all = reduction(_functions.reduce_all, "all")
reduce_std = reduction(_functions.reduce_std, "std")
reduce_variance = reduction(_functions.reduce_variance, "variance")
reduce_logsumexp = reduction(_functions.reduce_logsumexp, "logsumexp")

ones_like = _like(core.ones_like)
zeros_like = _like(core.zeros_like)

# Elementwise on the flat values (tf.math.is_nan & co. under TensorFlow's names in math.py).
abs = elementwise(math_ops.abs)
ceil = elementwise(math_ops.ceil)
cos = elementwise(math_ops.cos)
cosh = elementwise(math_ops.cosh)
exp = elementwise(math_ops.exp)
expm1 = elementwise(math_ops.expm1)
floor = elementwise(math_ops.floor)
log = elementwise(math_ops.log)
log1p = elementwise(math_ops.log1p)
logical_not = elementwise(math_ops.logical_not)
negative = elementwise(math_ops.negative)
reciprocal = elementwise(math_ops.reciprocal)
round = elementwise(math_ops.round)
rsqrt = elementwise(math_ops.rsqrt)
sign = elementwise(math_ops.sign)
sin = elementwise(math_ops.sin)
sinh = elementwise(math_ops.sinh)
sqrt = elementwise(math_ops.sqrt)
square = elementwise(math_ops.square)
tan = elementwise(math_ops.tan)
tanh = elementwise(math_ops.tanh)
isfinite = elementwise(math_ops.isfinite)
isinf = elementwise(math_ops.isinf)
isnan = elementwise(math_ops.isnan)
sigmoid = elementwise(nn.sigmoid)
softplus = elementwise(nn.softplus)
softsign = elementwise(nn.softsign)
relu = elementwise(nn.relu)
relu6 = elementwise(nn.relu6)
elu = elementwise(nn.elu)
selu = elementwise(nn.selu)
leaky_relu = elementwise(nn.leaky_relu)

# Between two operands, either of them ragged.
add = pairwise(math_ops.add)
divide = pairwise(math_ops.divide)
equal = pairwise(math_ops.equal)
floor_divide = pairwise(math_ops.floor_divide)
greater = pairwise(math_ops.greater)
greater_equal = pairwise(math_ops.greater_equal)
less = pairwise(math_ops.less)
less_equal = pairwise(math_ops.less_equal)
logical_and = pairwise(math_ops.logical_and)
logical_or = pairwise(math_ops.logical_or)
logical_xor = pairwise(math_ops.logical_xor)
maximum = pairwise(math_ops.maximum)
minimum = pairwise(math_ops.minimum)
mod = pairwise(math_ops.mod)
multiply = pairwise(math_ops.multiply)
not_equal = pairwise(math_ops.not_equal)
pow = pairwise(math_ops.pow)
squared_difference = pairwise(math_ops.squared_difference)
subtract = pairwise(math_ops.subtract)
true_divide = pairwise(math_ops.true_divide)
