"""TensorFlow's `gather(..., batch_dims=b)`: each of the leading `b` batch entries of `params` is indexed
with its own entry of `indices` (keras-io's masked-image-modeling example picks each image's unmasked
patches so). The plain gather in shape_ops hands these calls here."""
import torch


def gather_per_batch(params, index, axis, batch_dims):
    """`params` (a tensor), `index` (an integer tensor), `axis` already non-negative.

    The result has shape params.shape[:axis] + index.shape[batch_dims:] + params.shape[axis + 1:].
    """
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += index.dim()
    if not 0 <= batch_dims <= index.dim():
        raise ValueError(f"gather: batch_dims={batch_dims} must lie between 0 and the rank of 'indices' "
                         f"({index.dim()})")
    if axis < batch_dims:
        raise ValueError(f"gather: axis ({axis}) must be at least batch_dims ({batch_dims})")
    if tuple(params.shape[:batch_dims]) != tuple(index.shape[:batch_dims]):
        raise ValueError(f"gather: the first {batch_dims} dimension(s) of 'params' {tuple(params.shape)} and "
                         f"'indices' {tuple(index.shape)} must match (batch_dims={batch_dims})")
    batch_shape = tuple(params.shape[:batch_dims])
    between = tuple(params.shape[batch_dims:axis])
    after = tuple(params.shape[axis + 1:])
    picked_shape = tuple(index.shape[batch_dims:])
    rows = params.reshape((-1,) + tuple(params.shape[batch_dims:]))
    # The gathered axis goes next to the flat batch so one advanced index picks per-row entries.
    rows = rows.movedim(1 + len(between), 1)
    flat_index = index.reshape((rows.shape[0],) + picked_shape)
    row_of = torch.arange(rows.shape[0], device=rows.device).reshape((-1,) + (1,) * len(picked_shape))
    picked = rows[row_of, flat_index]  # (rows, *picked_shape, *between, *after)
    n_picked, n_between = len(picked_shape), len(between)
    order = ([0] + list(range(1 + n_picked, 1 + n_picked + n_between)) + list(range(1, 1 + n_picked))
             + list(range(1 + n_picked + n_between, picked.dim())))
    picked = picked.permute(order)
    return picked.reshape(batch_shape + between + picked_shape + after)
