"""InputSpec: what a layer accepts (rank bounds, fixed sizes of some axes), checked before `call` so a
wrong input fails naming the layer and the expectation instead of deep inside a torch kernel."""
import torch


class InputSpec:
    """What a layer accepts: rank bounds and fixed sizes for some axes, checked before `call`.

    `shape` fixes the rank and every non-None size; `axes` maps an axis to its required size. Keras'
    argument order (dtype, shape, ndim, ...), so `keras.InputSpec(...)` code written for Keras works.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            self.axes = {int(axis): size for axis, size in (axes or {}).items()}
        except (ValueError, TypeError, AttributeError):
            raise TypeError(f"InputSpec: axes must be a dict of int axis -> size; received axes={axes!r}") from None
        if self.axes and self.ndim is not None:
            out_of_range = [a for a in self.axes if not -self.ndim <= a < self.ndim]
            if out_of_range:
                raise ValueError(f"InputSpec: axes {out_of_range} do not exist in an input of ndim={self.ndim}")

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim, "max_ndim": self.max_ndim,
                "min_ndim": self.min_ndim, "axes": self.axes, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        parts = [f"{key}={value}" for key, value in (("dtype", self.dtype), ("shape", self.shape),
                                                     ("ndim", self.ndim), ("max_ndim", self.max_ndim),
                                                     ("min_ndim", self.min_ndim), ("axes", self.axes or None))
                 if value is not None]
        return f"InputSpec({', '.join(parts)})"


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
    if spec.shape is not None and ndim == len(spec.shape):
        for axis, size in enumerate(spec.shape[1:], start=1):
            if size is not None and inputs.shape[axis] != size:
                raise ValueError(f"{prefix} expected shape={spec.shape}, found shape={shape}")
    for axis, size in spec.axes.items():
        if size is not None and inputs.shape[axis] != size:
            raise ValueError(f"{prefix} expected axis {axis} of input shape to have value {size}, but "
                             f"received input with shape {shape}")
