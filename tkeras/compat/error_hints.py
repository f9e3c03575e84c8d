"""A line of advice after the traceback of a script that `python -m tkeras run` ran, for the failures
where TensorFlow code meets torch semantics that tkeras cannot change without slowing every tensor
operation.

Inside a layer's `call` and in fit's loop tkeras computes on plain torch tensors. TensorFlow's tensors
take NumPy arrays on either side of an operator and never change in place; torch's operators refuse a
NumPy array (or hand the tensor to NumPy, which refuses one that carries gradients), and `x *= y`
writes into `x`, which breaks backpropagation when an earlier op kept `x` for its gradient. Teaching
torch.Tensor's operators NumPy operands would cost every tensor operation of every torch user in the
process, so the script gets told the one-line change that works on both. (Arrays a user's layer holds as
attributes, RealNVP's `self.masks`, already work both ways: backend/array_operands.py.)
"""
import re

_NUMPY_OPERAND = (
    "a NumPy array meets a tensor in an operator: TensorFlow converts the array, torch's operators do not "
    "(inside a layer's call tkeras' tensors are torch tensors). Make the array a tensor where it is "
    "created, e.g. `self.mask = tf.constant(np.array(...))` or keras.ops.convert_to_tensor(...)")
_NUMPY_OF_GRADIENT_TENSOR = (
    "NumPy was handed a tensor that carries gradients, which is what `tensor * numpy_array` or "
    "np.<function>(tensor) inside a layer's call does in tkeras (TensorFlow converts the array instead). "
    "Make the array a tensor where it is created (tf.constant / keras.ops.convert_to_tensor), and use "
    "tf.* or keras.ops functions on tensors")
_IN_PLACE = (
    "in torch `x *= y` (also +=, -=, /=) writes into the tensor x, where TensorFlow binds a new tensor; "
    "an earlier op kept x for its gradient. Write `x = x * y` in the layer's call")

_OPERAND_TYPE_ERROR = re.compile(r"unsupported operand type\(s\) for .+: 'numpy\.ndarray' and '\w*Tensor'")


def hint_for(error):
    """The advice for `error`, or None when it is not one of these torch-versus-TensorFlow failures."""
    text = str(error)
    if isinstance(error, TypeError) and (_OPERAND_TYPE_ERROR.search(text) or text.startswith(
            "Concatenation operation is not implemented for NumPy arrays")):
        return _NUMPY_OPERAND
    if isinstance(error, RuntimeError) and text.startswith("Can't call numpy() on Tensor that requires grad"):
        return _NUMPY_OF_GRADIENT_TENSOR
    if isinstance(error, RuntimeError) and "has been modified by an inplace operation" in text:
        return _IN_PLACE
    return None
