"""`tf.RaggedTensor.from_sparse`: a batch of VarLenFeatures (a 2-D SparseTensor from tf.io parsing) as rows.

As in TensorFlow, the indices must be ordered and right-ragged (row r holds columns 0, 1, ..., k-1), which
is what VarLenFeature parsing produces; the column positions then carry no information beyond each row's
length, so the values are kept in order and cut by those lengths.
"""
import torch

from tkeras.compat.tf_namespace._ragged_tensor import invalid_argument


def values_and_row_lengths(st_input):
    """The flat values and the length of each row of a 2-D SparseTensor, after TensorFlow's checks."""
    shape = [int(d) for d in st_input._dense_shape.tolist()]
    if len(shape) != 2:
        raise ValueError(f"RaggedTensor.from_sparse: the SparseTensor must have rank 2, received dense_shape "
                         f"{shape}")
    indices = st_input._indices
    linear = indices[:, 0] * max(shape[1], 1) + indices[:, 1]
    if linear.numel() > 1 and bool((linear[1:] <= linear[:-1]).any()):
        raise invalid_argument("RaggedTensor.from_sparse: the SparseTensor's indices must be ordered; use "
                               "tf.sparse.reorder first")
    lengths = torch.bincount(indices[:, 0], minlength=shape[0])
    starts = torch.cumsum(lengths, 0) - lengths
    if bool((indices[:, 1] != torch.arange(len(indices)) - starts[indices[:, 0]]).any()):
        raise invalid_argument("RaggedTensor.from_sparse: the SparseTensor is not right-ragged (each row's "
                               f"columns must be 0, 1, 2, ...); received indices {indices.tolist()}")
    return st_input._values, lengths
