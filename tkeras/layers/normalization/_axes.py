"""Axis bookkeeping shared by the normalization layers: which axes carry parameters, which reduce."""


def normalize_axes(axis, ndim, layer, allow_batch_axis=False):
    """int or list (negative allowed) -> sorted non-negative axes, or a ValueError naming the layer."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    resolved = []
    for a in axes:
        if not -ndim <= int(a) < ndim:
            raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: axis={axis!r} is out of range for "
                             f"an input with {ndim} dimensions")
        resolved.append(int(a) % ndim)
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: axis={axis!r} names an axis twice")
    if 0 in resolved and not allow_batch_axis:
        raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: the batch axis (0) cannot be in axis={axis!r}")
    return sorted(resolved)


def param_shape(input_shape, axes, layer):
    shape = tuple(input_shape[a] for a in axes)
    if any(d is None for d in shape):
        raise ValueError(f"{type(layer).__name__} layer {layer.name!r}: axis {axes} of the input must have a "
                         f"known size, received input shape {tuple(input_shape)}")
    return shape


def broadcast_shape(ndim, axes, sizes):
    """Shape that lays a parameter of `sizes` along `axes` of an ndim tensor (1 elsewhere)."""
    shape = [1] * ndim
    for a, size in zip(axes, sizes):
        shape[a] = size
    return shape
