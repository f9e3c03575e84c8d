"""`tensorflow.python.util.deprecation`: the switches notebooks flip to quiet TensorFlow's deprecation
warnings (`deprecation._PRINT_DEPRECATION_WARNINGS = False`, `with deprecation.silence():`), and the one
TensorBoard's event-file reader enters for every file it opens (without it, TensorBoard falls back to a
single shared context manager that breaks on the second file). tkeras prints no deprecation warnings of
its own, so the switch is only kept, and the decorators hand back what they decorate."""
import contextlib

_PRINT_DEPRECATION_WARNINGS = True


@contextlib.contextmanager
def silence():
    """A fresh context manager on each call, so that it can be entered any number of times."""
    global _PRINT_DEPRECATION_WARNINGS
    printing = _PRINT_DEPRECATION_WARNINGS
    _PRINT_DEPRECATION_WARNINGS = False
    try:
        yield
    finally:
        _PRINT_DEPRECATION_WARNINGS = printing


def _unchanged(*args, **kwargs):
    return lambda function: function


deprecated = deprecated_args = deprecated_arg_values = deprecated_argument_lookup_decorator = _unchanged


def deprecated_endpoints(*names):
    return lambda function: function
