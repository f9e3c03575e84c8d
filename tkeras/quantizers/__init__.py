"""keras.quantizers: Keras' quantization maths on torch, its quantizer classes and quantization configs.

    q, scale = keras.quantizers.abs_max_quantize(kernel, axis=0)       # int8 kernel, per column
    packed, shape, n = keras.quantizers.pack_int4(q4)                   # two int4 values per byte
"""
import inspect

from tkeras.quantizers.float8 import (compute_float8_amax_history, compute_float8_scale, fake_quant_with_min_max_vars,
                                      quantize_and_dequantize)
from tkeras.quantizers.int4_packing import pack_int4, unpack_int4
from tkeras.quantizers.quantization_config import (AWQConfig, Float8QuantizationConfig, GPTQConfig,
                                                   Int4QuantizationConfig, Int8QuantizationConfig, QuantizationConfig)
from tkeras.quantizers.quantizers import (AbsMaxQuantizer, Quantizer, abs_max_quantize,
                                          abs_max_quantize_grouped_with_zero_point)

_CLASSES = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig, Int4QuantizationConfig,
            Float8QuantizationConfig, GPTQConfig, AWQConfig)


def _snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


# Keras looks a quantizer up by its class name or its snake_case ("abs_max_quantizer").
_BY_NAME = {**{cls.__name__: cls for cls in _CLASSES}, **{_snake(cls.__name__): cls for cls in _CLASSES}}


def serialize(initializer):
    """The Keras 3 config dict of a quantizer or quantization config (Keras names the argument so)."""
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """A quantizer or quantization config from its Keras config dict (or its name)."""
    from tkeras.saving.serialization import deserialize_keras_object, get_registered_object
    if isinstance(config, str):
        return get(config)
    class_name = config.get("class_name") if isinstance(config, dict) else None
    cls = _BY_NAME.get(class_name)
    if cls is None and get_registered_object(class_name, custom_objects) is None:
        raise ValueError(f"quantizers.deserialize: unknown quantizer {class_name!r}; expected one of "
                         f"{sorted(cls.__name__ for cls in _CLASSES)} or a registered custom class")
    if cls is not None:
        return cls.from_config(config.get("config") or {})
    return deserialize_keras_object(config, custom_objects=custom_objects)


def get(identifier, **kwargs):
    """None; a config dict; a class name ("AbsMaxQuantizer", "abs_max_quantizer") made with `kwargs`;
    or a quantizer as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    found = _BY_NAME.get(identifier) if isinstance(identifier, str) else identifier
    if found is None or not callable(found):
        raise ValueError(f"quantizers.get: cannot interpret {identifier!r} as a quantizer; expected one of "
                         f"{sorted(_BY_NAME)}, a config dict or a Quantizer")
    return found(**kwargs) if inspect.isclass(found) else found


__all__ = ["Quantizer", "AbsMaxQuantizer", "QuantizationConfig", "Int8QuantizationConfig", "Int4QuantizationConfig",
           "Float8QuantizationConfig", "GPTQConfig", "AWQConfig", "abs_max_quantize",
           "abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history", "compute_float8_scale",
           "fake_quant_with_min_max_vars", "pack_int4", "unpack_int4", "quantize_and_dequantize", "get", "serialize",
           "deserialize"]
