"""The positional orders `add_weight` has had, told apart by what the first argument is.

Custom layers from every era call `self.add_weight` positionally:
- Keras 1.2: `add_weight(shape, initializer, name, trainable, regularizer, constraint)`;
- Keras 2.x and tf-keras: `add_weight(name, shape, dtype, initializer, regularizer, trainable, constraint)`;
- Keras 3: `add_weight(shape, initializer, dtype)` (at most three; a positional name is refused there).
A weight name is a string and a shape never is, so the first argument decides between the Keras 2 order
and the shape-first ones; after `shape, initializer`, Keras 1.2 went on with the name (a string that is
not a dtype) where Keras 3 has the dtype.
"""
from tkeras.backend import dtypes

KERAS1_SHAPE_FIRST = ("shape", "initializer", "name", "trainable", "regularizer", "constraint")
KERAS3_SHAPE_FIRST = ("shape", "initializer", "dtype")
KERAS2_NAME_FIRST = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")


def _is_dtype(value):
    if value is None or not isinstance(value, str):
        return value is not None
    try:
        dtypes.standardize_dtype(value)
    except (TypeError, ValueError):
        return False
    return True


def positional_order(layer_name, args):
    """The parameter names `args` fill, in the order of the Keras release the call was written for."""
    if isinstance(args[0], str):
        order = KERAS2_NAME_FIRST
    elif len(args) > 2 and not _is_dtype(args[2]):
        order = KERAS1_SHAPE_FIRST
    else:
        order = KERAS3_SHAPE_FIRST
    if len(args) > len(order):
        raise TypeError(
            f"{layer_name}.add_weight takes at most {len(order)} positional arguments in this order "
            f"({', '.join(order)}), received {len(args)}; pass the rest by keyword")
    return order[:len(args)]


def merge_positional(layer_name, args, keywords):
    """`keywords` (the values passed by name, None when absent) completed from `args`; a parameter given
    both ways is an error naming it."""
    merged = dict(keywords)
    for parameter, value in zip(positional_order(layer_name, args), args):
        if merged.get(parameter) is not None and parameter != "trainable":
            raise TypeError(f"{layer_name}.add_weight: {parameter!r} was passed both positionally and by keyword")
        merged[parameter] = value
    return merged
