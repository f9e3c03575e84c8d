"""`tf.dtypes` / `tf.float32` ...: TensorFlow's dtype names are torch's dtypes (what tkeras computes in)."""
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr

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
DType = torch.dtype


def as_dtype(type_value):
    from tkeras.backend import config
    return config.standardize_dtype(type_value)


__getattr__ = module_getattr("tf.dtypes")
