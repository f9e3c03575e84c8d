"""Category indices -> one-hot, multi-hot, count or tf-idf rows, for every layer that has `output_mode`.

CategoryEncoding, the lookup layers, Hashing and Discretization all end the same way in Keras; sharing
the step keeps their shapes identical: "one_hot" encodes each element (a trailing axis of size 1 is
replaced, any other gets a new axis), while "multi_hot", "count" and "tf_idf" fold the last axis into
one row per sample, so a rank-1 input is a single sample. Index -1 means "no category" (a mask token
that the lookup layers drop) and adds nothing. Results are dense; sparse outputs need TensorFlow.
"""
import torch

ENCODED_MODES = ("one_hot", "multi_hot", "count", "tf_idf")


def check_sparse(owner, sparse):
    if sparse:
        raise ValueError(f"{owner}: `sparse=True` needs TensorFlow's SparseTensor; tkeras returns dense tensors, "
                         f"so pass sparse=False")


def encode(indices, output_mode, depth, dtype, owner, count_weights=None, idf_weights=None, allow_dropped=False):
    """`indices` (an integer tensor) encoded as `output_mode` with `depth` slots; with `allow_dropped`,
    -1 marks an entry that adds nothing (the lookup layers' dropped mask tokens)."""
    if indices.dim() == 0:
        indices = indices.reshape(1)
    bad = (indices < (-1 if allow_dropped else 0)) | (indices >= depth)
    if bool(bad.any()):
        value = int(indices[bad].reshape(-1)[0])
        raise ValueError(f"{owner}: every input value must be in the range [0, {depth}) (the number of tokens), "
                         f"received {value}")
    if output_mode == "one_hot":
        if indices.dim() > 1 and indices.shape[-1] == 1:
            indices = indices.squeeze(-1)
        slots = torch.arange(depth, device=indices.device)
        return (indices.unsqueeze(-1) == slots).to(dtype)
    rows = indices.reshape(-1, indices.shape[-1]).long()
    # Dropped entries (-1) go to an extra column that is cut off afterwards.
    rows = torch.where(rows < 0, torch.full_like(rows, depth), rows)
    if count_weights is not None:
        values = torch.as_tensor(count_weights, device=rows.device).to(dtype).reshape(rows.shape)
    else:
        values = torch.ones(rows.shape, dtype=dtype, device=rows.device)
    counts = torch.zeros((rows.shape[0], depth + 1), dtype=dtype, device=rows.device)
    counts.scatter_add_(1, rows, values)
    counts = counts[:, :depth]
    if output_mode == "multi_hot":
        counts = (counts > 0).to(dtype)
    elif output_mode == "tf_idf":
        counts = counts * torch.as_tensor(idf_weights, dtype=dtype, device=counts.device)
    return counts.reshape(tuple(indices.shape[:-1]) + (depth,))


def encoded_shape(input_shape, output_mode, depth):
    """The output shape `encode` gives for inputs of `input_shape` (Keras' rules, see the module doc)."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)
