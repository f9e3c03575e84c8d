"""NumPy arrays that a layer holds (`self.masks = np.array(...)`) take tensors as operands, as in TensorFlow.

TensorFlow converts a NumPy operand to the tensor's dtype, so `numpy_mask * tensor` and `s *= numpy_mask`
work inside a layer's call (Generative Deep Learning's and keras-io's RealNVP do both). torch's operators
refuse a NumPy operand, and NumPy hands the tensor to `__array__`, which refuses one that carries
gradients. Teaching torch.Tensor about NumPy would slow every tensor operation in the process; instead an
array stored on a user's layer is viewed as `TensorOperandArray`, an ndarray in every other respect (its
slices and NumPy results stay one), whose arithmetic operators meet a tensor as TensorFlow does: the array
becomes a tensor of the tensor's dtype and device, and the result is the tensor. `s *= array` then binds
a new tensor (torch's in-place operator declines the array, so Python falls back to the binary one),
which also keeps autograd's saved outputs intact, as TensorFlow's immutable tensors never change.
"""
import numpy as np
import torch


def _as_operand_of(array, tensor):
    return torch.as_tensor(np.asarray(array), dtype=tensor.dtype, device=tensor.device)


def _operator_method(name, function, reflected):
    """The dunder `name`: `function(array, tensor)` (reflected: `function(tensor, array)`) for a tensor
    operand, NumPy's own method for anything else."""
    numpy_method = getattr(np.ndarray, name)

    def method(self, other):
        if isinstance(other, torch.Tensor):
            array = _as_operand_of(self, other)
            return function(other, array) if reflected else function(array, other)
        return numpy_method(self, other)
    method.__name__ = name
    return method


_OPERATORS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b, "floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b,
    "pow": lambda a, b: a ** b, "matmul": lambda a, b: a @ b,
}


class TensorOperandArray(np.ndarray):
    """An ndarray whose arithmetic with a torch tensor gives a tensor (see the module docstring)."""

    def __repr__(self):
        return repr(self.view(np.ndarray))  # printed as the plain array the script made


for _name, _function in _OPERATORS.items():
    setattr(TensorOperandArray, f"__{_name}__", _operator_method(f"__{_name}__", _function, reflected=False))
    setattr(TensorOperandArray, f"__r{_name}__", _operator_method(f"__r{_name}__", _function, reflected=True))


def tensor_operand_view(value):
    """`value` viewed as a TensorOperandArray when it is a plain numeric ndarray, else `value` unchanged."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        return value.view(TensorOperandArray)
    return value
