"""`RandomHeight` (tf-keras 2): stretch or squeeze each training batch vertically by a random factor.

Teaches a model that an object's aspect ratio varies; the output height changes from batch to batch,
so a model using it needs layers that accept any height (pooling, Resizing) after it.
"""
from tkeras.layers.preprocessing.image._axis_resize import RandomAxisResize


class RandomHeight(RandomAxisResize):
    """Resize the height by a factor drawn from [1 + lower, 1 + upper] once per batch.

    Args:
        factor: f for (-f, f), or (lower, upper); -0.2 means up to 20% shorter. At least -1.
        interpolation: 'bilinear' (default), 'nearest', 'bicubic' or 'area'.
        seed: integer seed for the draws.

    Example: `RandomHeight(0.2)` gives heights between 80% and 120% of the input's.
    """

    axis = 0
    # tf-keras' names for the factor's bounds
    height_lower = property(lambda self: self.lower)
    height_upper = property(lambda self: self.upper)
