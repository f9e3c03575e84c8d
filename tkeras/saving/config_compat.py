"""Configs written by Keras 1, 2 and 3 -> configs tkeras' classes accept; and the safe-mode check.

Keras has spelled the same model three ways: Keras 1 wrote a Sequential's config as a bare list and
used `output_dim`/`init`/`p` (the layers accept those aliases themselves), Keras 2 wrote dtypes as
strings, Keras 3 wraps them in `DTypePolicy` dicts, serializes activations as
`{"class_name": "function", "config": "relu"}`, and adds bookkeeping keys (`shared_object_id`,
`quantization_config`, `optional`) that carry no meaning when left at their default. This module
rewrites those spellings into one, before any class is looked up.

The safety check runs on the raw config, before anything is built: a Lambda layer's bytecode or a
function that is neither tkeras' own nor passed in `custom_objects` is refused unless the *caller*
passed `safe_mode=False`. Nothing in a file can turn the check off.
"""
from tkeras.saving.errors import UnsafeLoadError
from tkeras.saving.safe_mode import OPT_IN

# Keys Keras 3 writes that tkeras' classes need not accept, with the value that means "not used".
KERAS3_ONLY_DEFAULTS = {"quantization_config": None, "optional": False, "input_axes": None,
                        "output_axes": None, "lora_rank": None, "lora_alpha": None}
_POLICY_CLASSES = {"DTypePolicy", "Policy", "FloatDTypePolicy", "QuantizedDTypePolicy"}
# Keras 1 layer class names that Keras 2 renamed.
_KERAS1_CLASS_NAMES = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
                       "AtrousConvolution1D": "Conv1D", "AtrousConvolution2D": "Conv2D",
                       "Deconvolution2D": "Conv2DTranspose", "Merge": "Concatenate"}


def normalize(config):
    """A copy of `config` in the one spelling tkeras reads (see the module docstring)."""
    if isinstance(config, list):
        return [normalize(item) for item in config]
    if not isinstance(config, dict):
        return config
    class_name = config.get("class_name")
    class_name = class_name if isinstance(class_name, str) else None
    inner = config.get("config")
    if class_name in _POLICY_CLASSES and isinstance(inner, dict) and "name" in inner:
        return inner["name"]
    if class_name == "function" and isinstance(inner, str):
        return inner
    result = {}
    for key, value in config.items():
        if key == "shared_object_id":
            continue
        if key in KERAS3_ONLY_DEFAULTS and value == KERAS3_ONLY_DEFAULTS[key]:
            continue
        result[key] = normalize(value)
    if class_name in _KERAS1_CLASS_NAMES and "config" in result:
        from tkeras import layers
        if not hasattr(layers, class_name) and hasattr(layers, _KERAS1_CLASS_NAMES[class_name]):
            result["class_name"] = _KERAS1_CLASS_NAMES[class_name]
    if class_name in ("Sequential", "Model", "Functional") and isinstance(result.get("config"), list):
        result["config"] = {"layers": result["config"]}  # Keras 1: a Sequential was its list of layers
    return result


# Keys a Keras release writes into a class' config that some tkeras classes do not take, with the
# value at which they change nothing: dropped there, refused (naming class and key) at any other value.
#   quantization_config  Dense/EinsumDense/Embedding (Keras 3.12+): null unless quantized
#   lora_rank/lora_alpha Dense/EinsumDense/Embedding (Keras 3.1+): null unless LoRA is enabled
#   optional             InputLayer (Keras 3.8+): false unless the input may be None
#   sparse/ragged        InputLayer (all releases): false unless the input is sparse/ragged
#   input_axes/output_axes  VarianceScaling family (Keras 3.15): null unless fans come from named axes
#   autocast             any Layer (Keras 3.0+): true unless the layer keeps its inputs' dtype
#   shared_object_id     any object (Keras 3.0+): bookkeeping of objects referenced twice
# tf-keras 2 (2.13-2.21) keys that Keras 3 dropped:
#   rng_type             random image layers: which TensorFlow RNG to use (any value: tkeras draws from torch)
#   softmax_robust_masking  MultiHeadAttention: false unless a different masked-softmax formula is wanted
#   jit_compile, is_legacy_optimizer  optimizers: XLA and the pre-2.11 optimizer classes (no meaning here)
#   fn                   built-in loss/metric classes: the name of the function the class fixes anyway
# Keras 3.0-3.x keys that 3.15 dropped:
#   value_range          RandomRotation (3.0): written, never used by the rotation
ANY_VALUE = object()
NO_OP_VALUES = {"quantization_config": None, "lora_rank": None, "lora_alpha": None, "optional": False,
                "sparse": False, "ragged": False, "input_axes": None, "output_axes": None, "autocast": True,
                "shared_object_id": ANY_VALUE, "rng_type": ANY_VALUE, "softmax_robust_masking": False,
                "jit_compile": ANY_VALUE, "is_legacy_optimizer": False, "fn": ANY_VALUE, "value_range": ANY_VALUE}


def class_config(cls, config):
    """`config` as `cls.from_config` takes it: a key the class does not take is dropped when Keras
    wrote it at its no-op value (NO_OP_VALUES), refused otherwise, naming the class and the key.

    A class whose constructor chain ends in `**kwargs` (every layer: Keras 1/2 aliases such as
    `output_dim` are popped there) checks its own keys; only the no-op keys are dropped for it."""
    if not isinstance(config, dict):
        return config
    accepted, open_ended = constructor_keys(cls)
    # Keys a base class pops from **kwargs (LoRA's lora_rank/lora_alpha on the convolutions).
    accepted = accepted | set(getattr(cls, "_extra_config_keys", ()))
    if open_ended:
        from tkeras.layers.layer import _BASE_KWARGS, Layer
        if isinstance(cls, type) and issubclass(cls, Layer):
            accepted = accepted | _BASE_KWARGS  # what every layer's **kwargs reaches (autocast among them)
    result = {}
    for key, value in config.items():
        if key in accepted:
            result[key] = value
        elif key in NO_OP_VALUES:
            if NO_OP_VALUES[key] is ANY_VALUE or value == NO_OP_VALUES[key]:
                continue
            raise ValueError(f"{cls.__name__}: the config key {key!r} = {value!r} asks for something tkeras' "
                             f"{cls.__name__} cannot do (only {NO_OP_VALUES[key]!r} is supported)")
        elif open_ended:
            result[key] = value
        else:
            raise ValueError(f"{cls.__name__}: unknown config key {key!r} (= {str(value)[:80]}); no Keras release "
                             f"writes it for {cls.__name__}, whose keys are {sorted(accepted)}")
    return result


def constructor_keys(cls):
    """The keyword arguments `cls(...)` names, and whether it takes more: a constructor with
    `**kwargs` may pop any key itself (Keras 1 aliases, a metric's function arguments), so only a
    class whose own constructor has no `**kwargs` has a closed set of keys."""
    import inspect
    init = cls.__init__
    try:
        parameters = inspect.signature(init).parameters.values()
    except (TypeError, ValueError):
        return set(), True
    accepted = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"}
    return accepted, any(p.kind is p.VAR_KEYWORD for p in parameters)


def in_keras_order(config, keys):
    """`config` with `keys` (the order Keras 3.15 writes the class' config in) first, then any others,
    so that a tkeras config reads key for key like Keras' own."""
    ordered = {key: config[key] for key in keys if key in config}
    ordered.update((key, value) for key, value in config.items() if key not in ordered)
    return ordered


def check_safe(config, filepath, custom_objects=None, safe_mode=True):
    """Raise UnsafeLoadError if loading `config` would run code from the file (see module docstring)."""
    for where, node in _walk(config, "model"):
        if not isinstance(node, dict):
            continue
        class_name = node.get("class_name")
        inner = node.get("config")
        if class_name == "Lambda" and isinstance(inner, dict):
            if safe_mode and _holds_bytecode(inner):
                raise UnsafeLoadError(
                    f"{filepath}: layer {inner.get('name', '?')!r} is a Lambda layer holding Python "
                    f"bytecode; loading it would run code from the file. {OPT_IN}")
            _check_keras2_lambda_names(inner, filepath, custom_objects)
        elif class_name == "__lambda__":
            if safe_mode:
                raise UnsafeLoadError(f"{filepath}: {where} holds a Python lambda (bytecode). {OPT_IN}")
        elif class_name == "function" or (isinstance(inner, str) and node.get("registered_name") == "function"):
            name = inner if isinstance(inner, str) else None
            if not _known_function(name, node.get("module"), custom_objects):
                raise UnsafeLoadError(
                    f"{filepath}: {where} names the function {name!r} (module {node.get('module')!r}), "
                    f"which is not one of tkeras' own. Pass it in custom_objects={{{name!r}: fn}} or "
                    f"register it with @keras.saving.register_keras_serializable(); functions are never "
                    f"imported by a name taken from a file.")


# The callables of a Lambda config; Keras 1/2 flag each one's kind in `<key>_type`.
_LAMBDA_CALLABLES = ("function", "output_shape", "mask")


def _holds_bytecode(lambda_config):
    function = lambda_config.get("function")
    if isinstance(function, (list, tuple)):
        return True  # Keras 2: [base64 marshalled code, defaults, closure]
    for key in _LAMBDA_CALLABLES:
        value = lambda_config.get(key)
        if isinstance(value, dict) and value.get("class_name") == "__lambda__":
            return True
        if lambda_config.get(f"{key}_type") == "lambda":
            return True
    return False


def _check_keras2_lambda_names(lambda_config, filepath, custom_objects):
    """Keras 1/2 name a Lambda's functions as bare strings (`function_type: "function"`), outside the
    `{"class_name": "function"}` nodes checked below: the same rule applies to them."""
    for key in _LAMBDA_CALLABLES:
        if lambda_config.get(f"{key}_type") != "function":
            continue
        name = lambda_config.get(key)
        module = lambda_config.get("module" if key == "function" else f"{key}_module")
        if not _known_function(name, module, custom_objects):
            raise UnsafeLoadError(
                f"{filepath}: Lambda layer {lambda_config.get('name', '?')!r} names the function {name!r} "
                f"(module {module!r}) as its {key}, which is not one of tkeras' own. Pass it in "
                f"custom_objects={{{name!r}: fn}} or register it with @keras.saving.register_keras_serializable(); "
                f"functions are never imported by a name taken from a file.")


def _known_function(name, module, custom_objects):
    from tkeras import activations
    from tkeras.saving.serialization import get_registered_object
    if not isinstance(name, str):
        return False
    if custom_objects and name in custom_objects:
        return True
    if get_registered_object(name, custom_objects) is not None:
        return True
    try:
        activations.get(name)
        return True
    except (ValueError, TypeError):
        pass
    for package in ("losses", "metrics"):
        try:
            import importlib
            getter = getattr(importlib.import_module(f"tkeras.{package}"), "get", None)
            if getter is not None and getter(name) is not None:
                return True
        except Exception:  # a package still being written, or an unknown name: not known
            continue
    return False


def _walk(node, where):
    yield where, node
    if isinstance(node, dict):
        name = node.get("config", {}).get("name") if isinstance(node.get("config"), dict) else None
        here = f"layer {name!r}" if name and node.get("class_name") else where
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from _walk(value, here)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, where)
