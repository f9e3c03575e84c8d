"""Keras 3's `keras.name_scope`: nested names that prefix the paths of the variables made inside.

    with keras.name_scope("encoder"):
        v = keras.Variable(1.0, name="scale")     # v.path == "encoder/scale"
"""
import threading

_STACK = threading.local()


def _stack():
    if not hasattr(_STACK, "scopes"):
        _STACK.scopes = []
    return _STACK.scopes


class name_scope:  # noqa: N801 - Keras' spelling
    """A context naming what is created inside it. `deduplicate=True` (the default) does not repeat a
    name already at the top (a layer that opens its own scope again); `override_parent` replaces the
    enclosing path instead of extending it."""

    def __init__(self, name, **kwargs):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope: name must be a string without '/'; received name={name!r}")
        unknown = sorted(set(kwargs) - {"caller", "deduplicate", "override_parent"})
        if unknown:
            raise TypeError(f"name_scope: unknown keyword argument(s) {unknown}; it takes caller=, deduplicate= "
                            f"and override_parent=")
        self.name = name
        self.caller = kwargs.get("caller")
        self.deduplicate = kwargs.get("deduplicate", True)
        self.override_parent = kwargs.get("override_parent")
        self._pushed = False

    def __enter__(self):
        stack = _stack()
        top = stack[-1] if stack else None
        if self.deduplicate and top is not None and top.name == self.name and (
                self.caller is None or top.caller is self.caller):
            return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc_info):
        if self._pushed:
            _stack().pop()
            self._pushed = False
        return False


def current_path():
    """The enclosing scopes joined by '/' ("" outside any)."""
    parts = []
    for scope in _stack():
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)
