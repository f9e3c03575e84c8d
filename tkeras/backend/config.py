"""Process-wide numeric policy: default float dtype, fuzz factor, image layout, compute device.

Keras keeps these as global settings that every layer consults at build time; tkeras does the same so
that `K.set_floatx('float64')` before building a model changes what its weights are made of.
"""
import os

import torch

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_DEVICE = None

_TORCH_DTYPES = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool,
    "complex64": torch.complex64, "complex128": torch.complex128,
}
_DTYPE_NAMES = {v: k for k, v in _TORCH_DTYPES.items()}

# TensorFlow's DataType enum: `tf.zeros(1, 1)` passes the code 1 (DT_FLOAT) where a dtype goes.
_TF_DTYPE_CODES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8", 8: "complex64",
                   9: "int64", 10: "bool", 14: "bfloat16", 18: "complex128", 19: "float16"}


def floatx():
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"set_floatx expects one of 'float16', 'bfloat16', 'float32', 'float64'; received {value!r}")
    _FLOATX = str(value)


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def standardize_data_format(data_format, where):
    """`data_format=None` means the global setting; anything but Keras' two names is refused here, once for
    every op, layer and utility that takes the argument, so the message is the same everywhere."""
    data_format = data_format or _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}: argument 'data_format' must be 'channels_last' or 'channels_first', "
                         f"received {data_format!r}")
    return data_format


def set_image_data_format(data_format, from_dim_ordering=False):
    global _IMAGE_DATA_FORMAT, _ONE_D_CHANNELS_LAST
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"image_data_format must be 'channels_last' or 'channels_first'; received {data_format!r}")
    _IMAGE_DATA_FORMAT = data_format
    _ONE_D_CHANNELS_LAST = from_dim_ordering


# Keras 1's set_image_dim_ordering('th') was about images only: its 1-D layers kept (steps, features).
_ONE_D_CHANNELS_LAST = False


def one_d_data_format():
    """The format a 1-D convolution or pooling layer takes when given none: the global one, as Keras 3
    does, unless Keras 1's `set_image_dim_ordering` set it (then channels_last, as Keras 1 had it)."""
    return "channels_last" if _ONE_D_CHANNELS_LAST else _IMAGE_DATA_FORMAT


def standardize_dtype(dtype):
    """Any dtype spelling (None, 'float32', np.float32, torch.float32) -> a torch dtype."""
    if dtype is None:
        return _TORCH_DTYPES[_FLOATX]
    if isinstance(dtype, torch.dtype):
        return dtype
    if getattr(dtype, "unusable_reason", None):  # tf.qint8, tf.resource ...: names without torch tensors
        raise TypeError(dtype.unusable_reason)
    if type(dtype) is int and dtype in _TF_DTYPE_CODES:
        return _TORCH_DTYPES[_TF_DTYPE_CODES[dtype]]
    name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or str(dtype)
    if name.startswith("torch."):
        name = name[len("torch."):]
    if name in ("float", "double"):
        name = {"float": "float32", "double": "float64"}[name]
    if name == "int":
        name = "int64"
    if name not in _TORCH_DTYPES:
        raise ValueError(f"Unknown dtype {dtype!r}; expected one of {sorted(_TORCH_DTYPES)}")
    return _TORCH_DTYPES[name]


def dtype_name(dtype):
    """torch dtype -> the Keras spelling ('float32')."""
    return _DTYPE_NAMES.get(dtype, str(dtype).replace("torch.", ""))


def device():
    """The device new weights and batches go to: CUDA when present, unless TKERAS_DEVICE says otherwise."""
    global _DEVICE
    if _DEVICE is None:
        requested = os.environ.get("TKERAS_DEVICE")
        if requested:
            _DEVICE = torch.device(requested)
        elif torch.cuda.is_available():
            # Under torchrun every process owns GPU LOCAL_RANK; weights built before fit() starts the
            # process group must already land there, not all on cuda:0.
            local_rank = os.environ.get("LOCAL_RANK")
            index = int(local_rank) % torch.cuda.device_count() if local_rank and local_rank.isdigit() else None
            _DEVICE = torch.device("cuda" if index is None else f"cuda:{index}")
        else:
            _DEVICE = torch.device("cpu")
    return _DEVICE


def set_device(value):
    global _DEVICE
    _DEVICE = torch.device(value) if value is not None else None


_UNSAFE_DESERIALIZATION = False


def enable_unsafe_deserialization():
    """Keras 3's `keras.config.enable_unsafe_deserialization()`: every load in this process behaves as
    if given `safe_mode=False` (saving/safe_mode.py reads the switch)."""
    global _UNSAFE_DESERIALIZATION
    _UNSAFE_DESERIALIZATION = True


def unsafe_deserialization_enabled():
    return _UNSAFE_DESERIALIZATION
