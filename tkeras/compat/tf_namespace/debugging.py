"""`tf.debugging`: the checks custom training loops sprinkle in. Eager code fails at the check itself, with
TensorFlow's exception types (InvalidArgumentError for values, ValueError/TypeError for static shape and
dtype mismatches) and the same "Condition x == y did not hold" report."""
import numpy as np
import torch

from tkeras.compat.tf_namespace import errors
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.ops.core import tensor

_LOG_PLACEMENT = [False]
_TRACEBACK_FILTERING = [True]


def _name(dtype):
    return str(dtype).replace("torch.", "")


def _numpy(x):
    return x.detach().cpu().numpy()


def _first(x, summarize):
    flat = _numpy(x).reshape(-1)
    return flat[: summarize if summarize is not None else flat.size]


def _fail(message, report):
    raise errors.InvalidArgumentError(None, None, (f"{message}\n" if message else "") + report)


def _binary_check(symbol, compare, x, y, message, summarize):
    x, y = tensor(x), tensor(y)
    try:
        shape = torch.broadcast_shapes(x.shape, y.shape)
    except RuntimeError:
        raise errors.op_error(errors.InvalidArgumentError,
                              f"Incompatible shapes: {list(x.shape)} vs. {list(y.shape)}", "Equal") from None
    if x.numel() == 0 or y.numel() == 0:
        return None
    common = torch.result_type(x, y)
    held = compare(x, y) if x.dtype == y.dtype else compare(x.to(common), y.to(common))
    if bool(held.all()):
        return None
    bad = torch.nonzero(~held.broadcast_to(shape))
    bx, by = x.broadcast_to(shape), y.broadcast_to(shape)
    count = bad.shape[0] if summarize is None else min(bad.shape[0], summarize)
    picked = tuple(bad[:count].T)
    report = (f"Condition x {symbol} y did not hold.\n"
              f"Indices of first {count} different values:\n{_numpy(bad[:count])}\n"
              f"Corresponding x values:\n{_numpy(bx[picked])}\nCorresponding y values:\n{_numpy(by[picked])}\n"
              f"First {min(x.numel(), summarize or x.numel())} elements of x:\n{_first(x, summarize)}\n"
              f"First {min(y.numel(), summarize or y.numel())} elements of y:\n{_first(y, summarize)}")
    _fail(message, report)


def assert_equal(x, y, message=None, summarize=None, name=None):
    return _binary_check("==", torch.eq, x, y, message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    return _binary_check("!=", torch.ne, x, y, message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    return _binary_check("<", torch.lt, x, y, message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    return _binary_check("<=", torch.le, x, y, message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    return _binary_check(">", torch.gt, x, y, message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    return _binary_check(">=", torch.ge, x, y, message, summarize)


def _sign_check(condition, test, x, message, summarize):
    x = tensor(x)
    if x.numel() == 0 or bool(test(x).all()):
        return None
    values = ", ".join(repr(str(v)) for v in _first(x, summarize))
    _fail(message, f"\nCondition x {condition} did not hold element-wise:\nx (shape={tuple(x.shape)} "
                   f"dtype={_name(x.dtype)}) = \n[{values}]")


def assert_positive(x, message=None, summarize=None, name=None):
    return _sign_check("> 0", lambda v: v > 0, x, message, summarize)


def assert_negative(x, message=None, summarize=None, name=None):
    return _sign_check("< 0", lambda v: v < 0, x, message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None):
    return _sign_check(">= 0", lambda v: v >= 0, x, message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None):
    return _sign_check("<= 0", lambda v: v <= 0, x, message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    x, y = tensor(x), tensor(y)
    eps = torch.finfo(x.dtype).eps if x.is_floating_point() else 0.0
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    if bool((torch.abs(x - y) <= atol + rtol * torch.abs(y)).all()):
        return None
    _fail(message, f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}\nx (shape={tuple(x.shape)} dtype="
                   f"{_name(x.dtype)}) = \n{_first(x, summarize)}\ny (shape={tuple(y.shape)} dtype="
                   f"{_name(y.dtype)}) = \n{_first(y, summarize)}")


def _rank_error(x, what, message):
    x = tensor(x)
    prefix = f"{message}.  " if message else ""
    raise ValueError(f"{prefix}Tensor  must have rank {what}.  Received rank {x.dim()}, shape {tuple(x.shape)}")


def assert_rank(x, rank, message=None, name=None):
    if tensor(x).dim() != int(rank):
        _rank_error(x, int(rank), message)


def assert_rank_at_least(x, rank, message=None, name=None):
    if tensor(x).dim() < int(rank):
        _rank_error(x, f"at least {int(rank)}", message)


def assert_rank_in(x, ranks, message=None, name=None):
    ranks = tuple(int(r) for r in ranks)
    if tensor(x).dim() not in ranks:
        _rank_error(x, f"in {ranks}", message)


def assert_scalar(tensor_, message=None, name=None):
    x = tensor(tensor_)
    if x.dim() != 0:
        raise ValueError(f"{message + '  ' if message else ''}Expected scalar shape, saw shape: {tuple(x.shape)}.")
    return tensor_


def assert_type(tensor_, tf_type, message=None, name=None):
    from tkeras.ops.core import to_torch_dtype
    expected, actual = to_torch_dtype(tf_type), tensor(tensor_).dtype
    if actual != expected:
        raise TypeError(f"{message + ' ' if message else ''}tensor must be of type tf.{_name(expected)}; "
                        f"got tf.{_name(actual)}")


def assert_integer(x, message=None, name=None):
    x = tensor(x)
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{message + ' ' if message else ''}Expected \"x\" to be integer type.  Found: tensor of "
                        f"dtype <dtype: '{_name(x.dtype)}'>")


def assert_same_float_dtype(tensors=None, dtype=None):
    from tkeras.ops.core import to_torch_dtype
    found = to_torch_dtype(dtype)
    for t in tensors or ():
        current = tensor(t).dtype
        if found is not None and current != found:
            raise ValueError(f"Tensor conversion requested dtype {_name(found)}, got {_name(current)}")
        found = current
    found = torch.float32 if found is None else found
    if not found.is_floating_point:
        raise ValueError(f"Expected floating point type, got {_name(found)}.")
    return found


def assert_proper_iterable(values):
    if isinstance(values, (str, bytes, np.ndarray, torch.Tensor)) or not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument \"values\" to be iterable, not a tensor or string.  Found: {type(values)}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Symbolic sizes ('N') must agree across tensors; integers and None are checked as they are."""
    seen = {}
    items = shapes.items() if isinstance(shapes, dict) else shapes
    for value, spec in items:
        x = tensor(value)
        spec = tuple(spec) if not isinstance(spec, str) else tuple(spec) if spec else ()
        if spec[:1] == ("...",) or (spec and spec[0] is Ellipsis):
            spec, dims = spec[1:], tuple(x.shape)[x.dim() - len(spec) + 1:]
        else:
            if x.dim() != len(spec):
                raise ValueError(f"{message + '  ' if message else ''}Specified by tensor shape={tuple(x.shape)} "
                                 f"dtype={_name(x.dtype)} must have rank {len(spec)}.  Received rank {x.dim()}")
            dims = tuple(x.shape)
        for axis, (size, want) in enumerate(zip(dims, spec)):
            if want is None or want == 1 and size == 1:
                continue
            if isinstance(want, str):
                first = seen.setdefault(want, (size, x, axis))
                if first[0] != size:
                    raise ValueError(f"{message + '  ' if message else ''}Specified by tensor shape="
                                     f"{tuple(first[1].shape)} dtype={_name(first[1].dtype)} dimension {first[2]}.  "
                                     f"Tensor shape={tuple(x.shape)} dtype={_name(x.dtype)} dimension {axis} must "
                                     f"have size {first[0]}.  Received size {size}, shape {tuple(x.shape)}")
            elif int(want) != size:
                raise ValueError(f"{message + '  ' if message else ''}Tensor shape={tuple(x.shape)} dtype="
                                 f"{_name(x.dtype)} dimension {axis} must have size {int(want)}.  Received size "
                                 f"{size}, shape {tuple(x.shape)}")


def check_numerics(tensor_, message, name=None):
    x = tensor(tensor_)
    if x.is_floating_point() or x.is_complex():
        if bool(torch.isnan(x).any()):
            raise errors.op_error(errors.InvalidArgumentError, f"{message} : Tensor had NaN values", "CheckNumerics")
        if bool(torch.isinf(x).any()):
            raise errors.op_error(errors.InvalidArgumentError, f"{message} : Tensor had Inf values", "CheckNumerics")
    return tensor_


def assert_all_finite(x, message, name=None):
    return check_numerics(x, message, name)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TensorFlow's name
    held = bool(tensor(condition).all()) if not isinstance(condition, bool) else condition
    if held:
        return None
    parts = []
    for item in data:
        if isinstance(item, (str, bytes)):
            parts.append(repr(item.encode() if isinstance(item, str) else item))
        else:
            parts.append(", ".join(str(v) for v in _first(tensor(item), summarize)))
    raise errors.InvalidArgumentError(None, None, f"Expected '{condition}' to be true. Summarized data: "
                                                  + "\n".join(parts))


def is_numeric_tensor(tensor_):
    return isinstance(tensor_, torch.Tensor) and tensor_.dtype != torch.bool


def set_log_device_placement(enabled):
    _LOG_PLACEMENT[0] = bool(enabled)


def get_log_device_placement():
    return _LOG_PLACEMENT[0]


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Accepted so scripts run; tkeras does not instrument every op (use check_numerics where it matters)."""


def disable_check_numerics():
    """The counterpart of enable_check_numerics; nothing to undo."""


def enable_traceback_filtering():
    _TRACEBACK_FILTERING[0] = True


def disable_traceback_filtering():
    _TRACEBACK_FILTERING[0] = False


def is_traceback_filtering_enabled():
    return _TRACEBACK_FILTERING[0]


experimental = Namespace("tf.debugging.experimental", enable_dump_debug_info=lambda *a, **k: None,
                         disable_dump_debug_info=lambda: None)

__getattr__ = module_getattr("tf.debugging")
