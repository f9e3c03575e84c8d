"""A subclass's `build()` marks the layer built when it returns, however it was called.

Keras 3 wraps every `build` this way, so code that calls `self.build(shape)` itself (a
`build_from_config` override, a parent layer building its sublayers) leaves a built layer that the
next `__call__` does not build a second time (which would create every weight twice).
"""
import functools
import inspect

from tkeras.layers.layer_paths import building


def marking_built(build):
    if getattr(build, "_tkeras_marks_built", False):
        return build

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        with building(self):  # `layer.path` and its weights' paths (layer_paths.py)
            result = build(self, *args, **kwargs)
        self.built = True
        return result

    build_and_mark._tkeras_marks_built = True
    return build_and_mark


def taking_input_shape(build):
    """Keras 3 allows `def build(self)` (the layer knows its sizes from __init__): it is called without
    the input shape that tkeras hands every build."""
    try:
        params = list(inspect.signature(build).parameters.values())[1:]
    except (TypeError, ValueError):
        return build
    if params or getattr(build, "_tkeras_marks_built", False):
        return build

    @functools.wraps(build)
    def build_ignoring_shape(self, input_shape=None):
        return build(self)

    return build_ignoring_shape
