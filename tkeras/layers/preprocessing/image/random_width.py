"""`RandomWidth` (tf-keras 2): stretch or squeeze each training batch horizontally by a random factor."""
from tkeras.layers.preprocessing.image._axis_resize import RandomAxisResize


class RandomWidth(RandomAxisResize):
    """Resize the width by a factor drawn from [1 + lower, 1 + upper] once per batch.

    Args:
        factor: f for (-f, f), or (lower, upper); 0.3 means up to 30% wider. At least -1.
        interpolation: 'bilinear' (default), 'nearest', 'bicubic' or 'area'.
        seed: integer seed for the draws.
    """

    axis = 1
    # tf-keras' names for the factor's bounds
    width_lower = property(lambda self: self.lower)
    width_upper = property(lambda self: self.upper)
