"""`tf.concat` over RaggedTensors: axis 0 appends rows, axis 1 joins each row with its counterparts.

Hands-On ML (chapter 12) concatenates decoded strings this way. Dense inputs mixed in are taken as
RaggedTensors with rows of full length; any other mix goes to the dense concat unchanged.
"""
from tkeras.compat.tf_namespace._ragged_tensor import RaggedTensor, concat as join_pieces
from tkeras.ops import shape_ops


def concat(values, axis, name=None):
    """TensorFlow's concat, which dispatches on RaggedTensors."""
    values = list(values)
    if not any(isinstance(v, RaggedTensor) for v in values):
        return shape_ops.concat(values, axis, name=name)
    items = [v if isinstance(v, RaggedTensor) else RaggedTensor.from_tensor(v) for v in values]
    rank = len(items[0].shape)
    if any(len(item.shape) != rank for item in items):
        raise ValueError(f"tf.concat: all RaggedTensors must have the same rank; received ranks "
                         f"{[len(item.shape) for item in items]}")
    axis = int(axis)
    axis = axis + rank if axis < 0 else axis
    if axis == 0:
        return RaggedTensor.from_rows_of([item._row(i) for item in items for i in range(item.nrows_int())])
    if axis != 1:
        raise ValueError(f"tf.concat: tkeras concatenates RaggedTensors along axis 0 or 1; received axis={axis}")
    counts = {item.nrows_int() for item in items}
    if len(counts) != 1:
        raise ValueError(f"tf.concat: along axis 1 every RaggedTensor needs the same number of rows; received "
                         f"{[item.nrows_int() for item in items]}")
    rows = []
    for i in range(counts.pop()):
        pieces = [item._row(i) for item in items]
        rows.append(join_pieces(pieces, pieces[0]))
    return RaggedTensor.from_rows_of(rows)
