"""RMSNormalization (Zhang & Sennrich, 2019): x / rms(x) * scale, with no centring and no offset.

The layer holds one weight, `scale` (ones), shaped like the normalized axes. As in Keras, building
turns an int `axis` into a one-element list (sorted for several axes), which is what a built layer's
config then reports.
"""
from tkeras.layers.layer import Layer
from tkeras.layers.normalization._axes import normalize_axes, param_shape
from tkeras.ops.nn_normalization import rms_normalization


class RMSNormalization(Layer):
    """Divide the inputs by their root mean square over `axis`, then multiply by a learned `scale`.

    Args:
        axis: int or list of ints, the axis or axes normalized together. Default -1.
        epsilon: added to the mean square before the square root. Default 1e-6.

    Example:
        >>> layer = RMSNormalization()
        >>> layer(np.ones((2, 4))).shape          # (2, 4), every value 1 / sqrt(1 + 1e-6)
    """
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            axis = list(axis)
        elif isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"RMSNormalization layer {self.name!r}: axis must be an int or a list of ints, "
                            f"received axis={axis!r}")
        self.axis = axis
        self.epsilon = float(epsilon)
        self.supports_masking = False  # as in Keras 3, the mask stops here

    def build(self, input_shape):
        axes = normalize_axes(self.axis, len(input_shape), self)
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        self._axes = axes
        self.scale = self.add_weight(name="scale", shape=param_shape(input_shape, axes, self), initializer="ones")
        self.built = True

    def call(self, inputs):
        return rms_normalization(inputs, scale=self.scale, axis=self._axes, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        normalize_axes(self.axis, len(input_shape), self)  # an out-of-range axis is named here
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
