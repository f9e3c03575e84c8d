"""How `Layer.__call__` hands its arguments to `call`, beyond the inputs.

Keras 3 binds `layer(x, ...)` to call's signature: a positional value may land on `training` or `mask`
(tf-keras 2 code writes `dropout(x, True)`), and masks go to `mask` only for a call given one tensor
argument, to `<argument>_mask` parameters otherwise. What can be decided per class is decided in
`read_call_signature`; these helpers run only for calls that need them.
"""
import inspect

import torch

from tkeras.layers.layer_inputs import mask_of
from tkeras.utils import tree


def other_tensor_arguments(args, kwargs):
    """Whether call gets a tensor (or a list/dict of them) besides the inputs (training/mask aside)."""
    values = list(args) + [v for k, v in kwargs.items() if k not in ("training", "mask")]
    return any(isinstance(v, torch.Tensor) or (isinstance(v, (list, tuple, dict)) and v and all(
        isinstance(t, torch.Tensor) or t is None for t in tree.flatten(v))) for v in values)


def fill_argument_masks(layer, inputs, args, kwargs):
    """`<name>_mask=None` parameters get the mask their tensor argument carries (Keras 3's rule for a call
    taking several tensors)."""
    names = layer._call_argument_names
    positional = names[:1 + len(args)]
    bound = dict(zip(positional, (inputs,) + tuple(args)))
    bound.update(kwargs)
    for name in layer._call_mask_parameters:
        mask_name = f"{name}_mask"
        if name in bound and mask_name not in positional and kwargs.get(mask_name) is None:
            mask = mask_of(bound[name])
            if mask is not None:
                kwargs[mask_name] = mask


def attach_masks(outputs, masks):
    """A call returning several tensors (a split along time) and compute_mask one mask per output."""
    if isinstance(masks, (list, tuple)) and len(masks) == len(outputs):
        for output, mask in zip(outputs, masks):
            if mask is not None and isinstance(output, torch.Tensor):
                output._keras_mask = mask


def positional_names_with_flags(params):
    """call's positional parameter names after self and the inputs, if `training` or `mask` is one."""
    names = []
    for param in list(params.values())[2:]:
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            break
        names.append(param.name)
    return tuple(names) if {"training", "mask"} & set(names) else ()


def flags_as_keywords(layer, args, kwargs):
    """`layer(x, True)` (tf-keras 2 accepts it; Keras 3 refuses): a positional value landing on `training`
    or `mask` and every one after it become keyword arguments, so `__call__` sees the flag it manages."""
    names = layer._positional_call_names
    first = next((i for i, name in enumerate(names[:len(args)]) if name in ("training", "mask")), None)
    if first is None:
        return args, kwargs
    kwargs = dict(kwargs)
    for name, value in zip(names[first:], args[first:]):
        if name == "training" and getattr(value, "ndim", 0):
            # keras-io's masking guide calls `model(x, data)`: Keras 3 binds the array to `training` and
            # no layer there reads it; a flag cannot be an array, so it is left out here.
            continue
        if name in kwargs:
            raise TypeError(f"Layer {layer.name!r} ({type(layer).__name__}): call() got multiple values for "
                            f"argument {name!r} (positionally and as a keyword)")
        kwargs[name] = value
    return args[:first] + args[len(names):], kwargs


def inputs_from_keywords(layer, kwargs):
    """`layer(images=x)`: the inputs given by the name of call's first parameter, as Keras binds them
    (keras-io's masked-image-modeling example calls its patch layer so). Runs only for calls without
    positional arguments."""
    params = list(inspect.signature(type(layer).call).parameters.values())[1:]
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    first = params[0] if params and params[0].kind in positional else None
    if first is None or first.name not in kwargs:
        expected = f"its first argument {first.name!r}" if first is not None else "an input tensor"
        raise TypeError(f"Layer {layer.name!r} ({type(layer).__name__}) was called without inputs: pass "
                        f"{expected}, positionally or by name; got only keyword argument(s) {sorted(kwargs)}")
    kwargs = dict(kwargs)
    return kwargs.pop(first.name), kwargs


def read_call_signature(cls):
    """Record on `cls` what `Layer.__call__` needs to know about `call`'s parameters: once per class, from
    `__init_subclass__`, and again when a script assigns `MyLayer.call = call` after the class exists (as
    tensorflow.org's time-series tutorial does: `Layer._build_from_shape` notices)."""
    cls._call_signature_of = cls.call
    params = inspect.signature(cls.call).parameters
    cls._call_takes_training = "training" in params or any(
        p.kind is p.VAR_KEYWORD for p in params.values())
    # `call(self, x, training=True)`: with no value given and no outer call's, Keras 3 uses the
    # signature's default (keras-io's MelSpec augments unless told otherwise); any other default is False.
    cls._call_default_training = "training" in params and params["training"].default is True
    cls._call_takes_mask = "mask" in params
    cls._positional_call_names = positional_names_with_flags(params)
    cls._user_call_takes_text = not cls.call.__module__.startswith("tkeras.")
    if cls._user_call_takes_text:  # tkeras' own attention layers read their tensors' masks themselves
        cls._call_mask_parameters = tuple(name for name in params if f"{name}_mask" in params)
        cls._call_argument_names = tuple(params)[1:]
