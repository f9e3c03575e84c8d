"""`tf.dtypes` / `tf.float32` ...: TensorFlow's dtype names are torch's dtypes (what tkeras computes in)."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.data.text_face import string  # noqa: F401 - text's dtype name, as tf.string (see _text.py)

float16 = half = torch.float16
bfloat16 = torch.bfloat16
float32 = torch.float32
float64 = double = torch.float64
int8 = torch.int8
int16 = torch.int16
int32 = torch.int32
int64 = torch.int64
uint8 = torch.uint8
bool = torch.bool  # noqa: A001
complex64 = torch.complex64
complex128 = torch.complex128
uint16 = torch.uint16
uint32 = torch.uint32
uint64 = torch.uint64
DType = torch.dtype


class _NamedOnlyDType:
    """A TensorFlow dtype torch has no tensors for (quantized ints, resource handles, variants): it can
    be named, compared and inspected, and any attempt to make or cast a tensor to it fails clearly."""

    def __init__(self, name, size, unsigned=False, quantized=True):
        # TensorFlow reports is_unsigned False even for quint8: its test goes through a NumPy type these lack
        self.name, self.size, self.is_unsigned, self.is_quantized = name, size, False, quantized
        self._unsigned = unsigned
        self.is_floating = self.is_integer = self.is_complex = self.is_bool = False
        self.is_numeric = quantized
        self.itemsize = size

    @property
    def unusable_reason(self):
        kind = "quantized" if self.is_quantized else "handle"
        return (f"tf.{self.name} is a {kind} TensorFlow dtype with no tensors in tkeras (torch computes in "
                f"float/int dtypes): use an int or float dtype, or quantize with tkeras.quantizers")

    @property
    def base_dtype(self):
        return self

    @property
    def as_numpy_dtype(self):
        raise TypeError(self.unusable_reason)

    def __repr__(self):
        return f"tf.{self.name}"


qint8 = _NamedOnlyDType("qint8", 1)
quint8 = _NamedOnlyDType("quint8", 1, unsigned=True)
qint16 = _NamedOnlyDType("qint16", 2)
quint16 = _NamedOnlyDType("quint16", 2, unsigned=True)
qint32 = _NamedOnlyDType("qint32", 4)
resource = _NamedOnlyDType("resource", 1, quantized=False)
variant = _NamedOnlyDType("variant", 1, quantized=False)
QUANTIZED_DTYPES = frozenset([qint8, quint8, qint16, quint16, qint32])


def cast(x, dtype, name=None):
    from tkeras.ops.core import cast as _cast
    return _cast(x, dtype)


def saturate_cast(value, dtype, name=None):
    from tkeras.compat.tf_namespace._array_extra import saturate_cast as _saturate_cast
    return _saturate_cast(value, dtype, name=name)


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    from tkeras.compat.tf_namespace._functions import complex as _complex
    return _complex(real, imag, name=name)


def as_dtype(type_value):
    if isinstance(type_value, _NamedOnlyDType):
        return type_value
    if type_value in ("string", str, bytes) or _is_numpy_text_type(type_value):
        return string
    from tkeras.backend import config
    return config.standardize_dtype(type_value)


def _is_numpy_text_type(type_value):
    """NumPy's str, bytes and object types and dtypes, which TensorFlow reads as tf.string."""
    import numpy as np
    if type_value in (np.str_, np.bytes_, np.object_):
        return True
    return isinstance(type_value, np.dtype) and type_value.kind in "USO"


__getattr__ = module_getattr("tf.dtypes")
