"""Label and vector helpers from `keras.utils`: `to_categorical` (one-hot) and `normalize`.

NumPy in, NumPy out, as in Keras, so they can run in a data pipeline before any tensor exists.
"""
import functools

import numpy as np


def _accepts_y_keyword(function):
    """Let `to_categorical(y=...)` (tf-keras 2's name for the labels) reach `x` (Keras 3's name).

    The wrapper keeps Keras 3's signature for introspection (`inspect.signature` follows
    `__wrapped__`), while calls by either keyword, or positionally, all land in one place.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if "y" in kwargs:
            if args or "x" in kwargs:
                raise TypeError("to_categorical: give the class indices once, as `x` (Keras 3) or `y` "
                                "(tf-keras 2), not both")
            kwargs["x"] = kwargs.pop("y")
        return function(*args, **kwargs)
    return wrapper


@_accepts_y_keyword
def to_categorical(x, num_classes=None, dtype=None):
    """Class indices -> one-hot rows.

    The output shape follows Keras: `x.shape + (num_classes,)`, except that a trailing axis of size 1
    (labels stored as a column, shape (n, 1)) is replaced rather than kept, giving (n, num_classes).
    `num_classes=None` uses `max(x) + 1`.

    `dtype=None` gives float64 for arrays and lists, as Keras 3 and Keras 1/2.0-2.1 return (code
    that prints or checks the dtype sees theirs), and float32 for a tensor, as Keras 3's one-hot of a
    tensor; tf-keras 2 code that relied on its float32 default can pass `dtype="float32"`.
    """
    if dtype is None:
        dtype = "float32" if hasattr(x, "detach") else "float64"
    labels = _as_integer_labels(x, "to_categorical", "x")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.ravel()
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: class indices must be >= 0, found {int(labels.min())} in `x`")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    else:
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"to_categorical: `num_classes` must be None or an integer >= 1, received {num_classes!r}")
        num_classes = int(num_classes)
        if labels.size and labels.max() >= num_classes:
            raise ValueError(
                f"to_categorical: `x` contains class index {int(labels.max())}, which does not fit "
                f"num_classes={num_classes} (indices must be < num_classes)")
    one_hot = np.zeros((labels.size, num_classes), dtype=dtype)
    one_hot[np.arange(labels.size), labels] = 1
    return one_hot.reshape(tuple(shape) + (num_classes,))


def _numeric_from_objects(array):
    """An object array of plain numbers (pandas leaves a label column as `object` after
    `Series.replace(names, numbers)`) as the numeric array NumPy infers from its elements; anything
    else (strings, ragged rows) comes back unchanged, still `object`, for the caller to refuse."""
    try:
        converted = np.array(array.tolist())
    except ValueError:
        return array
    return converted if converted.dtype.kind in "biuf" else array


def _as_integer_labels(y, function="to_categorical", argument="y"):
    if hasattr(y, "detach") and hasattr(y, "cpu"):  # a torch tensor, without importing torch
        y = y.detach().cpu().numpy()
    try:
        array = np.asarray(y)
    except ValueError:
        raise ValueError(f"{function}: `{argument}` must be a rectangular array of class indices; "
                         "received a ragged nested sequence") from None
    if array.dtype == object:
        array = _numeric_from_objects(array)
    if array.dtype == object:
        raise ValueError(f"{function}: `{argument}` must be a rectangular array of class indices; "
                         "received a ragged nested sequence (or non-numeric objects)")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.floor(array)):
            raise ValueError(f"{function}: `{argument}` holds non-integer values; expected class indices "
                             "0..num_classes-1")
    elif array.dtype.kind not in "biu":
        raise TypeError(f"{function}: `{argument}` must hold integer class indices, received dtype {array.dtype}")
    return array.astype(np.int64)


def normalize(x, axis=-1, order=2):
    """Scale vectors along `axis` to unit `order`-norm; all-zero vectors are left as they are."""
    array = np.asarray(x)
    norms = np.atleast_1d(np.linalg.norm(array, order, axis))
    norms[norms == 0] = 1
    return array / np.expand_dims(norms, axis)


def to_ordinal(y, num_classes=None, dtype="float32"):
    """Class indices -> ordinal rows (tf-keras 2): class k becomes k ones followed by zeros, over
    `num_classes - 1` columns, the encoding of ordinal regression (rank k means "above thresholds
    0..k-1"). The shape rule is `to_categorical`'s: a trailing axis of size 1 is replaced."""
    labels = _as_integer_labels(y, "to_ordinal", "y")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.ravel()
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_ordinal: class indices must be >= 0, found {int(labels.min())} in `y`")
    if not num_classes:
        num_classes = int(labels.max()) + 1 if labels.size else 1
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(f"to_ordinal: `y` contains class index {int(labels.max())}, which does not fit "
                         f"num_classes={num_classes}")
    thresholds = np.arange(int(num_classes) - 1)
    ordinal = (thresholds[None, :] < labels[:, None]).astype(dtype)
    return ordinal.reshape(tuple(shape) + (int(num_classes) - 1,))
