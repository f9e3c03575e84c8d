"""Lookup layers called on a `tf.RaggedTensor` (rows of different lengths), as Keras accepts.

keras-io's multi-label example binarizes label lists with
`StringLookup(output_mode="multi_hot")(tf.ragged.constant(terms))`. In "int" mode every value is looked
up and the row structure is kept (a ragged result); the encoding modes ("multi_hot", "count",
"tf_idf") encode each row as one sample, giving a dense (rows, depth) batch.
"""
import numpy as np
import torch


def is_ragged(value):
    return hasattr(value, "flat_values") and hasattr(value, "row_splits") and hasattr(value, "with_flat_values")


def lookup_ragged(layer, ragged, call):
    """`call(dense_inputs)` is the layer's own call on a dense batch."""
    if ragged.ragged_rank != 1:
        raise ValueError(f"{type(layer).__name__} {layer.name!r}: ragged inputs must have one ragged dimension "
                         f"(ragged_rank=1), received ragged_rank={ragged.ragged_rank}")
    flat = np.asarray(ragged.flat_values)
    if layer.output_mode == "int" or getattr(layer, "invert", False):
        return ragged.with_flat_values(call(flat))
    if layer.output_mode == "one_hot":
        raise ValueError(f"{type(layer).__name__} {layer.name!r}: output_mode='one_hot' does not take ragged "
                         f"inputs; use 'multi_hot' or 'count' to encode each row, or 'int'")
    splits = np.asarray(ragged.row_splits).tolist()
    rows = [call(flat[start:end][None, :]) if end > start else None for start, end in zip(splits[:-1], splits[1:])]
    like = next((row for row in rows if row is not None), None)
    if like is None:  # every row empty: nothing to encode
        return torch.zeros((len(rows), layer._depth()), dtype=getattr(torch, layer._encoded_dtype()))
    return torch.cat([torch.zeros_like(like) if row is None else row for row in rows], 0)
