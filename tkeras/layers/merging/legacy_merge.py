"""Keras 1's `merge([a, b], mode='concat', concat_axis=-1)`: one function for every merge kind,
mapped onto the Keras 2 layers ('cos' is a normalized Dot; a callable mode is a Lambda on the list,
as Siamese-network examples used it). Keras 1's model-merging `Merge` layer (Sequential branches) is
in `compat/legacy/layers.py`, for old scripts under the import hook."""
from tkeras.layers.merging.concatenate import Concatenate
from tkeras.layers.merging.dot import Dot
from tkeras.layers.merging.elementwise import Add, Average, Maximum, Multiply
from tkeras.utils.lookup import lookup_error

_MODES = {"sum": Add, "mul": Multiply, "ave": Average, "max": Maximum}


def merge_layer(mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, arguments=None, **kwargs):
    """The Keras 2 layer that computes Keras 1's merge `mode`."""
    if callable(mode):
        from tkeras.layers.core.lambda_layer import Lambda
        extra = dict(arguments or {})
        return Lambda(lambda tensors: mode(tensors, **extra), output_shape=output_shape, **kwargs)
    if mode == "concat":
        return Concatenate(axis=concat_axis, **kwargs)
    if mode in ("dot", "cos"):
        return Dot(axes=dot_axes, normalize=mode == "cos", **kwargs)
    if mode not in _MODES:
        raise lookup_error("merge mode", mode, list(_MODES) + ["concat", "dot", "cos"])
    return _MODES[mode](**kwargs)


def merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1, output_shape=None, name=None, arguments=None, **kwargs):
    kwargs.pop("output_mask", None), kwargs.pop("node_indices", None), kwargs.pop("tensor_indices", None)
    layer = merge_layer(mode, concat_axis=concat_axis, dot_axes=dot_axes, output_shape=output_shape,
                        arguments=arguments, name=name, **kwargs)
    return layer(inputs)
