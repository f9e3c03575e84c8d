"""A subclass's `build()` marks the layer built when it returns, however it was called.

Keras 3 wraps every `build` this way, so code that calls `self.build(shape)` itself (a
`build_from_config` override, a parent layer building its sublayers) leaves a built layer that the
next `__call__` does not build a second time (which would create every weight twice).
"""
import functools
import inspect

from tkeras.backend.eager_tensor import TensorShape
from tkeras.layers.layer_paths import building


def shape_for_build(shape):
    """The input shape as tf-keras hands it to `build` and `compute_output_shape`: a TensorShape, so
    `input_shape.as_list()` works; being a tuple, Keras 3 code that indexes or compares it works too.
    Several inputs' shapes (nested) stay as they are."""
    if isinstance(shape, tuple) and type(shape) is not TensorShape and all(
            d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in shape):
        return TensorShape(shape)
    return shape


def marking_built(build):
    if getattr(build, "_tkeras_marks_built", False):
        return build

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        with building(self):  # `layer.path` and its weights' paths (layer_paths.py)
            result = build(self, *args, **kwargs)
        self.built = True
        if args or kwargs:
            _record_build_arguments(self, build, args, kwargs)
        return result

    build_and_mark._tkeras_marks_built = True
    return build_and_mark


def _record_build_arguments(layer, build, args, kwargs):
    """Keep what an explicit `layer.build(...)` was given, for `get_build_config`: Keras 3 saves it, so a
    layer the user built by hand (never called) is built again, with its weights, when the model loads."""
    try:
        arguments = inspect.signature(build).bind(layer, *args, **kwargs).arguments
    except (TypeError, ValueError):  # a wrapper that takes other arguments than the build it wraps
        return
    arguments.pop(next(iter(arguments)))  # `self`
    layer.__dict__["_build_arguments"] = dict(arguments)


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


def get_build_config(layer):
    """`Layer.get_build_config`: the shape of the call that built the layer or, for a layer built by an
    explicit `build(...)` call, what that call got: one argument is the input shape, several
    (`build(self, input_shape, layer_init)`) are saved by name, as Keras 3 saves them."""
    if layer._build_input_shape is not None:
        return {"input_shape": layer._build_input_shape}
    arguments = layer.__dict__.get("_build_arguments")
    if not arguments:
        return None
    if len(arguments) == 1:
        return {"input_shape": next(iter(arguments.values()))}
    return {"shapes_dict": dict(arguments)}


def build_from_config(layer, build_config):
    if not build_config or layer.built:
        return
    if build_config.get("input_shape") is not None:
        layer._build_from_shape(_shape_from_config(build_config["input_shape"]))
    elif build_config.get("shapes_dict"):
        layer.build(**build_config["shapes_dict"])


def _shape_from_config(value):
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return [tuple(v) for v in value]
    return tuple(value)
