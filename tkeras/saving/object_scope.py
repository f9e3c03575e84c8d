"""`custom_object_scope` / `CustomObjectScope`: custom classes visible to loads inside a `with` block,
as Keras 2 scripts write `with CustomObjectScope({'MyLayer': MyLayer}): load_model(...)`."""
import threading

_STATE = threading.local()


def active_custom_objects():
    merged = {}
    for scope in getattr(_STATE, "stack", []):
        merged.update(scope)
    return merged


class CustomObjectScope:
    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        if not hasattr(_STATE, "stack"):
            _STATE.stack = []
        _STATE.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _STATE.stack.pop()
        return False


custom_object_scope = CustomObjectScope
