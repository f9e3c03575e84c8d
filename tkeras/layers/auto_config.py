"""Keras 3's automatic config of a user layer (or subclassed model) that never writes `get_config`.

Keras 3 keeps the arguments a custom layer's constructor received, when every one of them is a plain
value (str, int, float, bool, None, or lists/tuples/dicts of those), and the base `get_config` returns
them, so `MyLayer(channels=3)` saves to .keras and comes back without a `get_config` of its own. The
arguments are recorded once, at construction (`Layer.__new__`), never on a call. Only classes written
outside tkeras whose `get_config` is still the base one are recorded: an override (even one calling
`super().get_config()`) means the class writes its own config, and the base then adds nothing.
"""
import inspect

import torch

_PLAIN_TYPES = (str, int, float, bool, type(None))

# Why no config could be recorded: `get_config` names the reason in its error.
NOT_PLAIN = "not_plain"
POSITIONAL = "positional"


def mark_default(get_config):
    """Mark a base class' `get_config` as the one that fills in the recorded constructor arguments."""
    get_config._fills_auto_config = True
    return get_config


def uses_default_config(cls):
    return getattr(cls.get_config, "_fills_auto_config", False) and not cls.__module__.startswith("tkeras.")


def record(instance, cls, args, kwargs):
    """Keep on `instance` the constructor arguments (`_auto_config`), or why they cannot make a config
    (`_auto_config_problem`)."""
    arguments, problem = None, None
    signature = inspect.signature(cls.__init__)
    parameters = list(signature.parameters.values())
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        problem = NOT_PLAIN  # the constructor itself will refuse these arguments
    else:
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        arguments.pop(parameters[0].name)  # self
        if any(p.kind is p.POSITIONAL_ONLY for p in parameters[1:]):
            arguments, problem = None, POSITIONAL
        else:
            for p in parameters:
                if p.kind is p.VAR_KEYWORD:
                    arguments.update(arguments.pop(p.name, None) or {})
                elif p.kind is p.VAR_POSITIONAL and arguments.pop(p.name, ()):
                    arguments, problem = None, POSITIONAL
                    break
        if arguments is not None:
            arguments.pop("name", None)  # the config's name is the layer's own (auto-named when not given)
            arguments = {key: _dtype_as_name(value) for key, value in arguments.items()}
            if not all(_is_plain(value) for value in arguments.values()):
                arguments, problem = None, NOT_PLAIN
    object.__setattr__(instance, "_auto_config", arguments)
    object.__setattr__(instance, "_auto_config_problem", problem)


def _dtype_as_name(value):
    """A dtype argument (`dtype=tf.float32`, Hands-On ML's TimeEncoding) is written by its name, as Keras does,
    so that `MyLayer(**config)` gets it back."""
    if isinstance(value, torch.dtype):
        from tkeras.backend import config
        return config.dtype_name(value)
    return value


def _is_plain(value):
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_is_plain(item) for item in value.values())
    return isinstance(value, _PLAIN_TYPES)


def recorded_config(layer):
    """The start of `layer`'s base config: its name, then its recorded constructor arguments when its
    class leaves `get_config` to the base (the name only when the constructor cannot take it back).
    Raises when the arguments could not be recorded."""
    if not uses_default_config(type(layer)) or "_auto_config_problem" not in layer.__dict__:
        return {"name": layer.name}
    arguments = layer.__dict__["_auto_config"]
    if arguments is not None:
        config = dict(arguments)
        parameters = inspect.signature(type(layer).__init__).parameters
        if "name" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            config = {"name": layer.name, **config}
        return config
    cls = type(layer).__name__
    if layer.__dict__["_auto_config_problem"] == POSITIONAL:
        reason = (f"its constructor took positional-only or variadic (*args) arguments, which "
                  f"`{cls}(**config)` cannot give back")
    else:
        reason = ("its constructor received a value other than str/int/float/bool/None (or lists, tuples "
                  "and dicts of those), such as a layer, array or function, which has no plain config")
    raise NotImplementedError(
        f"{cls}.get_config: cannot write the config of {layer.name!r} automatically: {reason}. Define "
        f"get_config() in {cls} returning super().get_config() updated with its constructor arguments "
        f"(and from_config() when they need rebuilding).")
