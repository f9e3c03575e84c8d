"""Which layers run rematerialized, by the RematScope they were created in (see backend/remat.py)."""
import contextlib
import math
import threading

from tkeras.backend.remat import remat

_PROBING = threading.local()  # set while a layer's output shape is being found (by a run on zeros)


def call_function(layer, scope, inputs, args, kwargs):
    """The function `Layer.__call__` should call instead of `layer.call`, or None for the plain call."""
    if scope.mode == "full" or (scope.mode == "list_of_layers" and layer.name in scope.layer_names):
        return remat(layer.call)
    if scope.mode == "larger_than" and _output_size(layer, inputs) > scope.output_size_threshold:
        return remat(layer.call)
    if scope.mode == "activations" and getattr(layer, "activation", None) is not None:
        def call_with_rematerialized_activation(*call_args, **call_kwargs):
            with _swapped_activation(layer):
                return layer.call(*call_args, **call_kwargs)
        return call_with_rematerialized_activation
    return None


@contextlib.contextmanager
def _swapped_activation(layer):
    original = layer.activation
    layer.activation = remat(original)
    try:
        yield
    finally:
        layer.activation = original


def _output_size(layer, inputs):
    shape_of = getattr(inputs, "shape", None)
    if shape_of is None or getattr(_PROBING, "active", False):
        return 0
    _PROBING.active = True
    try:
        shapes = layer.compute_output_shape(tuple(shape_of))
    except Exception:  # noqa: BLE001 - a layer that cannot say its output shape is not rematerialized
        return 0
    finally:
        _PROBING.active = False
    if shapes and all(isinstance(d, int) or d is None for d in shapes):
        shapes = [shapes]
    batch = shape_of[0] if len(shape_of) else 1  # an unknown leading axis is this call's batch
    return sum(math.prod((batch if i == 0 and d is None else d) or 1 for i, d in enumerate(shape))
               for shape in shapes)
