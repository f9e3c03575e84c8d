"""InputSpec: what a layer accepts (rank bounds, fixed sizes of some axes), checked before `call` so a
wrong input fails naming the layer and the expectation instead of deep inside a torch kernel."""
import torch


class InputSpec:
    """What a layer accepts: rank bounds and fixed sizes for some axes, checked before `call`."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None, dtype=None, shape=None):
        self.ndim = ndim
        self.min_ndim = min_ndim
        self.max_ndim = max_ndim
        self.axes = dict(axes or {})
        self.dtype = dtype
        self.shape = shape


def check_input_spec(layer_name, spec, inputs):
    """Raise a ValueError in Keras' words when `inputs` (the first input tensor) breaks `spec`."""
    if not isinstance(inputs, torch.Tensor):
        return
    ndim = inputs.dim()
    shape = (None,) + tuple(inputs.shape[1:])
    prefix = f"Input 0 of layer {layer_name!r} is incompatible with the layer:"
    for bound, ok in (("ndim", spec.ndim is None or ndim == spec.ndim),
                      ("min_ndim", spec.min_ndim is None or ndim >= spec.min_ndim),
                      ("max_ndim", spec.max_ndim is None or ndim <= spec.max_ndim)):
        if not ok:
            raise ValueError(f"{prefix} expected {bound}={getattr(spec, bound)}, found ndim={ndim}. "
                             f"Full shape received: {shape}")
    for axis, size in spec.axes.items():
        if size is not None and inputs.shape[axis] != size:
            raise ValueError(f"{prefix} expected axis {axis} of input shape to have value {size}, but "
                             f"received input with shape {shape}")
