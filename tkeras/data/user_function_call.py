"""Calling the functions a pipeline is given (`map`, `filter`, `flat_map`, `interleave`, `scan`, `reduce`,
`take_while`, key functions) the way TensorFlow user code expects to be called.

Inside fit/evaluate/predict tkeras keeps tensors plain (no EagerTensor face, see
backend/eager_tensor.py), but these functions are user code written for TensorFlow's tensors: they pad
with `tf.zeros([maxlen] - tf.shape(audio))` (a Python list minus a tensor) or read `x.dtype == "string"`
whether the pipeline is iterated by hand or by fit. So a function sees EagerTensors and text with
TensorFlow's face, both ways; its results are made plain again by the pipeline (`to_leaf`).
Pipelines run in the caller's thread, so switching the context here touches no concurrent training step.
"""
import torch

from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.eager_tensor import wrap
from tkeras.data._structure import map_structure
from tkeras.data.text_face import text_face


def as_user_value(value):
    return wrap(value) if type(value) is torch.Tensor else text_face(value)


def call_as_user_code(function, *args):
    raw, depth = CALL_CONTEXT.raw, CALL_CONTEXT.depth
    CALL_CONTEXT.raw, CALL_CONTEXT.depth = False, 0
    try:
        return function(*args)
    finally:
        CALL_CONTEXT.raw, CALL_CONTEXT.depth = raw, depth


def call_on_element(function, element, *leading):
    """`function` on one pipeline element as TensorFlow calls it: a tuple element is spread over the
    arguments, unless `leading` arguments (a scan or reduce state) come first, then it is passed whole."""
    element = map_structure(as_user_value, element)
    if isinstance(element, tuple) and not hasattr(element, "_fields") and not leading:
        return call_as_user_code(function, *element)
    return call_as_user_code(function, *(map_structure(as_user_value, value) for value in leading), element)
