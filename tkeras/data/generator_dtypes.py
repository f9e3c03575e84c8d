"""The dtypes `Dataset.from_generator` declares (`output_types=` or `output_signature=`) applied to what
the generator yields.

TensorFlow converts each yielded value to its declared dtype (a NumPy float64 array declared `tf.float32`
arrives as float32; a float declared `tf.int32` is truncated), so a model fed from such a dataset sees the
declared dtype rather than NumPy's default float64.
"""
import torch

from tkeras.backend import config


def declared_dtypes(output_types=None, output_signature=None):
    """The nested dtypes a from_generator call declares, or None when it declares none."""
    if output_signature is not None:
        return _map_leaves(lambda spec: getattr(spec, "dtype", spec), output_signature)
    return output_types


def cast_element(element, dtypes):
    """`element` (already a structure of tensors / text arrays) with each leaf in its declared dtype."""
    if dtypes is None:
        return element
    if isinstance(dtypes, dict):
        if not isinstance(element, dict) or set(element) != set(dtypes):
            raise _mismatch(element, dtypes)
        return {key: cast_element(element[key], dtype) for key, dtype in dtypes.items()}
    if isinstance(dtypes, (list, tuple)):
        if not isinstance(element, (list, tuple)) or len(element) != len(dtypes):
            raise _mismatch(element, dtypes)
        cast = [cast_element(value, dtype) for value, dtype in zip(element, dtypes)]
        return type(element)(*cast) if hasattr(element, "_fields") else type(element)(cast)
    return _cast_leaf(element, dtypes)


def _cast_leaf(value, dtype):
    if isinstance(dtype, str) and dtype == "string":
        return value  # text stays the NumPy array the generator's strings became
    if not isinstance(value, torch.Tensor):
        return value  # ragged / sparse components keep their own representation
    target = config.standardize_dtype(dtype)
    return value if value.dtype == target else value.to(target)


def _map_leaves(function, structure):
    if isinstance(structure, dict):
        return {key: _map_leaves(function, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        mapped = [_map_leaves(function, value) for value in structure]
        return type(structure)(*mapped) if hasattr(structure, "_fields") else type(structure)(mapped)
    return function(structure)


def _mismatch(element, dtypes):
    def outline(value):
        return _map_leaves(lambda leaf: "x", value)
    return TypeError(f"Dataset.from_generator: the generator yielded an element whose structure {outline(element)} "
                     f"does not match the declared output_types/output_signature {outline(dtypes)}")
