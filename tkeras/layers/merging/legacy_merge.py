"""Keras 1's `merge([a, b], mode='concat', concat_axis=-1)`: one function for every merge kind,
mapped onto the Keras 2 layers ('cos' is a normalized Dot). Model-merging `Merge` layers
(Sequential branches) are gone from Keras and not provided."""
from tkeras.layers.merging.concatenate import Concatenate
from tkeras.layers.merging.dot import Dot
from tkeras.layers.merging.elementwise import Add, Average, Maximum, Multiply
from tkeras.utils.lookup import lookup_error

_MODES = {"sum": Add, "mul": Multiply, "ave": Average, "max": Maximum}


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, name=None, **kwargs):
    kwargs["name"] = name
    if callable(mode):
        raise NotImplementedError("merge: a callable mode is not supported; use a Lambda layer on the list")
    if mode == "concat":
        return Concatenate(axis=concat_axis, **kwargs)(inputs)
    if mode in ("dot", "cos"):
        return Dot(axes=dot_axes, normalize=mode == "cos", **kwargs)(inputs)
    if mode not in _MODES:
        raise lookup_error("merge mode", mode, list(_MODES) + ["concat", "dot", "cos"])
    return _MODES[mode](**kwargs)(inputs)
