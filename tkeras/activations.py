"""Activation functions by Keras name, on torch tensors.

`sigmoid` and `softmax` remember their input (`_keras_logits`) on the output tensor, so that a
crossentropy loss that follows can work from the logits: stable for saturated outputs and faster
(one fused kernel), which is what TF-Keras does too.
"""
import functools
import inspect

import torch
import torch.nn.functional as F

from tkeras.backend.keras_tensor import KerasTensor, record_op
from tkeras.ops.nn_activations import log_softmax_over as _log_softmax_over
from tkeras.utils.lookup import lookup_error


def _floating(x):
    """Integer and bool inputs in the default float dtype: Keras' float activations promote them (an
    `Activation('softmax')` right after an integer Input works), where torch's kernels refuse them.
    relu, linear and threshold-free clipping keep integers, as in Keras."""
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.get_default_dtype())


def _tag(output, logits, kind):
    output._keras_logits = logits
    output._keras_activation = kind
    return output


def linear(x):
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras' relu: x where x > threshold, else negative_slope * (x - threshold), capped at max_value.
    Integer inputs stay integers unless negative_slope makes fractions."""
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x)
    if x.dtype == torch.bool or (negative_slope != 0.0 and not (x.is_floating_point() or x.is_complex())):
        x = x.to(torch.get_default_dtype())
    if negative_slope == 0.0 and threshold == 0.0:
        # One kernel for plain and capped ReLU (MobileNet's ReLU(6.0)); the general formula below is 4.
        if max_value is None:
            return torch.relu(x)
        return torch.clamp(x, min=0, max=max_value).to(x.dtype)
    if negative_slope == 0.0:
        out = torch.where(x > threshold, x, torch.zeros((), dtype=x.dtype, device=x.device))  # +0.0, not -0.0
    else:
        out = torch.where(x > threshold, x, negative_slope * (x - threshold))
    if max_value is not None:
        out = torch.clamp(out, max=max_value).to(x.dtype)
    return out


def relu6(x):
    return F.relu6(_floating(x))


def sigmoid(x):
    x = _floating(x)
    return _tag(torch.sigmoid(x), x, "sigmoid")


def softmax(x, axis=-1):
    x = _floating(x)
    if isinstance(axis, (tuple, list)):  # normalised jointly over several axes
        return torch.exp(_log_softmax_over(x, axis))
    return _tag(torch.softmax(x, dim=axis), x, "softmax" if axis in (-1, x.dim() - 1) else "softmax_axis")


def log_softmax(x, axis=-1):
    x = _floating(x)
    if isinstance(axis, (tuple, list)):
        return _log_softmax_over(x, axis)
    return torch.log_softmax(x, dim=axis)


def tanh(x):
    return torch.tanh(_floating(x))


def elu(x, alpha=1.0):
    return F.elu(_floating(x), alpha=alpha)


def selu(x):
    return F.selu(_floating(x))


def softplus(x):
    return F.softplus(_floating(x))


def softsign(x):
    return F.softsign(_floating(x))


def silu(x):
    return F.silu(_floating(x))


# Keras 3 made swish an alias of silu: one function, named (and so written in configs) "silu". tf-keras 2
# called it swish; its configs' "swish" still reads back through get(), and tf-keras reads "silu".
swish = silu


def gelu(x, approximate=False):
    return F.gelu(_floating(x), approximate="tanh" if approximate else "none")


def hard_sigmoid(x):
    # Keras 3: relu6(x + 3) / 6, i.e. slope 1/6 (Keras 2 used 0.2x + 0.5; Keras 3 changed it).
    return F.hardsigmoid(_floating(x))


def hard_silu(x):
    return F.hardswish(_floating(x))


hard_swish = hard_silu


def exponential(x):
    return torch.exp(_floating(x))


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(_floating(x), negative_slope=negative_slope)


def mish(x):
    return F.mish(_floating(x))


# Keras 3's newer activations: the arithmetic lives in tkeras.ops (imported on first use, which keeps
# `import tkeras` light); these are the names `activation="..."` and configs resolve.
def celu(x, alpha=1.0):
    from tkeras import ops
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    from tkeras import ops
    return ops.glu(x, axis=axis)


def hard_shrink(x, threshold=0.5):
    from tkeras import ops
    return ops.hard_shrink(x, threshold=threshold)


def hard_tanh(x):
    from tkeras import ops
    return ops.hard_tanh(x)


def log_sigmoid(x):
    from tkeras import ops
    return ops.log_sigmoid(x)


def soft_shrink(x, threshold=0.5):
    from tkeras import ops
    return ops.soft_shrink(x, threshold=threshold)


def sparse_plus(x):
    from tkeras import ops
    return ops.sparse_plus(x)


def sparse_sigmoid(x):
    from tkeras import ops
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    from tkeras import ops
    return ops.sparsemax(x, axis=axis)


def squareplus(x, b=4):
    from tkeras import ops
    return ops.squareplus(x, b=b)


def tanh_shrink(x):
    from tkeras import ops
    return ops.tanh_shrink(x)


def threshold(x, threshold, default_value):
    from tkeras import ops
    return ops.threshold(x, threshold, default_value)


def _symbolic_aware(fn):
    """`fn` that also takes a KerasTensor (`keras.activations.sigmoid(logits) * 5` while building a
    functional model): there it becomes the matching `keras.ops` op node, as Keras records it. Real
    tensors pay one type test."""
    @functools.wraps(fn)
    def activation(x, *args, **kwargs):
        if type(x) is not torch.Tensor and isinstance(x, KerasTensor):
            return _on_keras_tensor(fn, x, args, kwargs)
        return fn(x, *args, **kwargs)
    return activation


def _on_keras_tensor(fn, x, args, kwargs):
    from tkeras import ops
    name = fn.__name__
    if name == "linear":
        return x
    op = getattr(ops, {"exponential": "exp"}.get(name, name), None)
    plain_relu = name != "relu" or not (args or any(v not in (None, 0.0) for v in kwargs.values()))
    if name == "gelu" and not args:
        kwargs = {"approximate": False, **kwargs}  # the activation's default; ops.gelu's is True
    if op is not None and plain_relu:
        return op(x, *args, **kwargs)
    return record_op(fn, (x,) + tuple(args), kwargs)


for _name in ("relu", "relu6", "sigmoid", "softmax", "log_softmax", "tanh", "elu", "selu", "softplus", "softsign",
              "silu", "gelu", "hard_sigmoid", "hard_silu", "exponential", "leaky_relu", "mish", "celu", "glu",
              "hard_shrink", "hard_tanh", "log_sigmoid", "soft_shrink", "sparse_plus", "sparse_sigmoid",
              "sparsemax", "squareplus", "tanh_shrink", "threshold", "linear"):
    globals()[_name] = _symbolic_aware(globals()[_name])
swish = silu
hard_swish = hard_silu

_BY_NAME = {
    "linear": linear, "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "softmax": softmax,
    "log_softmax": log_softmax, "tanh": tanh, "elu": elu, "selu": selu, "softplus": softplus,
    "softsign": softsign, "swish": swish, "silu": silu, "gelu": gelu, "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu, "hard_swish": hard_swish, "exponential": exponential,
    "leaky_relu": leaky_relu, "mish": mish, "celu": celu, "glu": glu, "hard_shrink": hard_shrink,
    "hard_tanh": hard_tanh, "log_sigmoid": log_sigmoid, "soft_shrink": soft_shrink, "sparse_plus": sparse_plus,
    "sparse_sigmoid": sparse_sigmoid, "sparsemax": sparsemax, "squareplus": squareplus,
    "tanh_shrink": tanh_shrink, "threshold": threshold,
}


def get(identifier):
    """A name, None (linear), a callable or a serialized dict -> the activation function."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier.lower())
        if fn is None:
            # Keras 2 wrote a custom activation as its bare name: custom_objects, an active
            # custom_object_scope or the registry say which function it is.
            from tkeras.saving.serialization import get_registered_object
            fn = get_registered_object(identifier)
        if fn is None or inspect.isclass(fn):
            raise lookup_error("activation", identifier, _BY_NAME)
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation identifier {identifier!r}: expected a name or a callable")


def serialize(activation):
    """The Keras config spelling: a built-in's name; any other function as Keras 3's function dict
    (`{"class_name": "function", "config": "package>name"}`), which a load resolves through
    custom_objects and the registry."""
    for name, fn in _BY_NAME.items():
        if fn is activation and name not in ("swish", "hard_swish"):  # Keras 3 writes silu, hard_silu
            return name
    import torch.nn.functional as _F
    from tkeras.backend import functions as backend_functions
    if activation is backend_functions.hard_sigmoid:
        return "hard_sigmoid"  # Keras 2's formula (a Keras 1/2 file's layer): the name those files wrote
    if activation in (torch.relu, _F.relu):
        return "relu"
    if activation in (torch.sigmoid,):
        return "sigmoid"
    if activation in (torch.tanh,):
        return "tanh"
    name = getattr(activation, "__name__", None)
    if inspect.isfunction(activation) and name in _BY_NAME:
        # Keras writes any function by a built-in's name as that name (keras.ops.relu is "relu")
        return {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
    if inspect.isfunction(activation):
        from tkeras.saving.serialization import get_registered_name
        return {"module": "builtins", "class_name": "function", "config": get_registered_name(activation),
                "registered_name": "function"}
    return getattr(activation, "__name__", str(activation))


def deserialize(config, custom_objects=None):
    """An activation from its name or config: Keras 3's `{"class_name": "function", "config": "relu"}`,
    Keras 2's `{"class_name": "relu", "config": {}}`-like dicts, or a registered/custom function."""
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    if isinstance(config, dict):
        from tkeras.saving.serialization import deserialize_keras_object
        inner = config.get("config")
        if config.get("class_name") == "function" or isinstance(inner, str):
            return deserialize_keras_object({**config, "class_name": "function"}, custom_objects=custom_objects,
                                            module_objects=_BY_NAME, prefer="activations")
        name = inner.get("name") if isinstance(inner, dict) else None
        config = name or config.get("class_name")
    return get(config)
