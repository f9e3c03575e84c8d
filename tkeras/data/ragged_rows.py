"""`Dataset.from_tensor_slices` over a tf.RaggedTensor (Hands-On ML's Bach chorales:
`tf.ragged.constant(chorales, ragged_rank=1)`, one chorale of any length per element).

Each element is one row: a dense tensor when the row is uniform below the ragged dimension (ragged_rank=1),
as in TensorFlow. Rows are taken one at a time, without the index fast path of array sources, because their
lengths differ. Each row remembers the RaggedTensor type it came from, so that `batch` joins rows into a
RaggedTensor again, as TensorFlow does (even when the rows in one batch happen to be equally long).
"""
import numpy as np
import torch

from tkeras.data._structure import leaves, map_structure, to_leaf


def is_ragged(value):
    return hasattr(value, "row_splits") and hasattr(value, "flat_values")  # tf.RaggedTensor (compat/ sits above)


def ragged_rows(structure):
    """(iterate, cardinality) for a Dataset of the rows of `structure`, some of whose leaves are ragged."""
    counts = {int(leaf.nrows()) if is_ragged(leaf) else len(leaf) for leaf in leaves(structure)}
    if len(counts) > 1:
        raise ValueError(f"from_tensor_slices: all components must have the same first dimension, received "
                         f"sizes {sorted(counts)}")
    count = counts.pop()

    def row(leaf, i):
        if not is_ragged(leaf):
            return to_leaf(leaf)[i]
        part = to_leaf(leaf[i])
        if leaf.ragged_rank == 1:
            if isinstance(part, np.ndarray):
                part = part.view(RaggedTextRow)
            if isinstance(part, (torch.Tensor, RaggedTextRow)):
                part.__dict__["_ragged_source"] = type(leaf)
        return part

    def iterate():
        return (map_structure(lambda leaf, i=i: row(leaf, i), structure) for i in range(count))

    return iterate, count


class RaggedTextRow(np.ndarray):
    """A row of text cut from a ragged source: a NumPy array that can carry the `_ragged_source` mark."""
