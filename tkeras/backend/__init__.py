"""Backend policy (dtype, epsilon, device) and the Variable type that layer weights are made of.

The Keras 2 `K.*` function namespace that old tutorials import as `keras.backend` is built on top of
this by the compat layer; here lives only what the library itself needs.
"""
from tkeras.backend.config import (
    device, dtype_name, epsilon, floatx, image_data_format, set_device, set_epsilon, set_floatx,
    set_image_data_format,
)
from tkeras.backend.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from tkeras.backend.variable import Variable
from tkeras.backend.naming import clear_session, get_uid, unique_name
from tkeras.backend.functions import *  # noqa: F401,F403 - Keras 2's K.* namespace
from tkeras.backend import functions as _functions


def backend():
    return "torch"
