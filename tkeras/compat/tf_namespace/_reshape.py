"""`tf.reshape`: Keras' reshape, plus TensorFlow's leniency while a layer is traced for its output shape
(a batch size written into the target, or a -1 dim that stays unknown; see ops/symbolic_reshape.py).

It is an op of its own in functional graphs, so that a graph's dry run gets the same leniency."""
from tkeras.ops import shape_ops
from tkeras.ops.core import user_op
from tkeras.ops.symbolic_reshape import probe_stand_in


@user_op
def reshape(x, newshape=None, name=None, shape=None):
    try:
        return shape_ops.reshape(x, newshape, name=name, shape=shape)
    except RuntimeError:
        stand_in = probe_stand_in(x, shape if newshape is None else newshape)
        if stand_in is None:
            raise
        return stand_in
