"""Keras 1/2 lower-case constraint names (`W_constraint=maxnorm(3)`); Keras 1 spelled max_value `m`."""
from tkeras.constraints import MaxNorm, NonNeg, UnitNorm


def maxnorm(max_value=2, axis=0, m=None):
    return MaxNorm(max_value=m if m is not None else max_value, axis=axis)


nonneg = NonNeg
unitnorm = UnitNorm
