"""`tensorflow.python.framework.tensor_shape`: the shape class custom layers of the TF 2.x era import
from TensorFlow's private tree (`tensor_shape.TensorShape(input_shape).as_list()` in
`compute_output_shape`), which is tkeras' TensorShape, the one `tf.TensorShape` names."""
from tkeras.backend.eager_tensor import TensorShape
from tkeras.compat.tf_namespace._unsupported import module_getattr

__getattr__ = module_getattr("tensorflow.python.framework.tensor_shape")


def as_shape(shape):
    """A TensorShape for `shape` (a TensorShape already, a tuple, a list)."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def dimension_value(dimension):
    """One dimension as an int or None: TensorFlow 1's Dimension objects are plain ints here."""
    return None if dimension is None else int(dimension)


__all__ = ["TensorShape", "as_shape", "dimension_value"]
