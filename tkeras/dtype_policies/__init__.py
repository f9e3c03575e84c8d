"""keras.dtype_policies: the policy objects layers hold (`layer.dtype_policy`) and their configs.

    keras.dtype_policies.get("mixed_bfloat16")        # <DTypePolicy "mixed_bfloat16">
    keras.dtype_policies.get("int8_from_float32")     # <QuantizedDTypePolicy "int8_from_float32">
"""
from tkeras.dtype_policies.dtype_policy import (QUANTIZATION_MODES, AWQDTypePolicy, DTypePolicy, FloatDTypePolicy,
                                                GPTQDTypePolicy, Int4DTypePolicy, QuantizedDTypePolicy,
                                                QuantizedFloat8DTypePolicy, quantized_policy_from_name)
from tkeras.dtype_policies.dtype_policy_map import DTypePolicyMap

_CLASSES = {cls.__name__: cls for cls in (DTypePolicy, FloatDTypePolicy, QuantizedDTypePolicy,
                                          QuantizedFloat8DTypePolicy, Int4DTypePolicy, GPTQDTypePolicy,
                                          AWQDTypePolicy, DTypePolicyMap)}
_CLASSES["Policy"] = DTypePolicy  # tf.keras 2's mixed_precision.Policy in a Keras 2 config


def serialize(dtype_policy):
    """The Keras 3 config dict of a policy."""
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(dtype_policy)


def deserialize(config, custom_objects=None):
    """A policy from its config dict (or a policy name)."""
    if isinstance(config, str):
        return get(config)
    if not isinstance(config, dict):
        raise TypeError(f"dtype_policies.deserialize: expected a config dict; received {config!r}")
    class_name = config.get("class_name")
    cls = _CLASSES.get(class_name)
    if cls is None:
        from tkeras.saving.serialization import get_registered_object
        cls = get_registered_object(class_name, custom_objects)
    if cls is None:
        raise ValueError(f"dtype_policies.deserialize: unknown dtype policy class {class_name!r}; expected one "
                         f"of {sorted(_CLASSES)} or a registered custom class")
    inner = config.get("config") or {}
    if cls is DTypePolicyMap:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def get(identifier):
    """None -> the global policy; a policy as it is; a name, dtype or config -> its policy."""
    if identifier is None:
        from tkeras.mixed_precision.policy import global_policy
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier.startswith(QUANTIZATION_MODES):
        return quantized_policy_from_name(identifier)
    try:
        return DTypePolicy(identifier)
    except TypeError:
        raise ValueError(f"dtype_policies.get: cannot interpret {identifier!r} as a dtype policy; expected a "
                         f"policy name such as 'mixed_float16', a dtype, a config dict or a DTypePolicy") from None


__all__ = ["DTypePolicy", "FloatDTypePolicy", "DTypePolicyMap", "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy",
           "Int4DTypePolicy", "GPTQDTypePolicy", "AWQDTypePolicy", "get", "serialize", "deserialize"]
