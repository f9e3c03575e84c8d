"""TensorFlow's TensorShape accessors on `torch.Size`, for `x.shape.as_list()` inside a layer's `call`.

Inside `call` (and in fit's loop) tensors are plain torch tensors, so `x.shape` is a torch.Size, where
TensorFlow code gets a TensorShape: keras-io's miniature GPT computes `x.shape.as_list()` on an
intermediate tensor of its attention. Neither the tensor nor the torch.Size can be swapped for a
TensorShape there without a `__torch_function__` round trip per op, or a slower `Tensor.shape` for every
torch user, so importing the TensorFlow stand-in gives torch.Size the few read-only TensorShape names
it lacks.

Why this is safe for torch code: only names torch.Size does not have are added (an existing name is
never replaced, so nothing torch or its users call changes); each is a pure function of the tuple; and
a torch.Size is always fully known, which makes TensorFlow's answers exact (`as_list()` is the list of
ints, `is_fully_defined()` is True). torch.Size is an immutable extension type, so the names go into
its type dict directly and the type's attribute cache is invalidated (CPython's PyType_Modified); where
that is unavailable (another Python implementation) nothing is added and `x.get_shape().as_list()`
still works.
"""
import ctypes
import gc

import torch


def _as_list(size):
    return list(size)


def _num_elements(size):
    return size.numel()


def _is_fully_defined(size):
    return True


_TENSOR_SHAPE_NAMES = {
    "as_list": _as_list,
    "rank": property(len),
    "ndims": property(len),
    "num_elements": _num_elements,
    "is_fully_defined": _is_fully_defined,
}


def install():
    missing = {name: value for name, value in _TENSOR_SHAPE_NAMES.items() if not hasattr(torch.Size, name)}
    if not missing:
        return
    try:
        namespace = next(d for d in gc.get_referents(torch.Size.__dict__) if isinstance(d, dict))
        modified = ctypes.pythonapi.PyType_Modified
    except (StopIteration, AttributeError, TypeError):
        return
    namespace.update(missing)
    modified(ctypes.py_object(torch.Size))
