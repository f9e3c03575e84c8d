"""Keras 3's `Embedding.quantize("int4")` (kept out of the layer): the float table is replaced by a packed
int4 table with its scales (layers/core/int4_quantization.py says how), the policy becomes
"int4/<block_size>_from_<source>", and a quantized layer read from a file builds those variables.

tkeras has no int8 Embedding; asking for it (or any other mode) raises NotImplementedError naming the
layer, which `Model.quantize` turns into a warning, as Keras does for layers that refuse a mode.
"""
from tkeras.layers.core import int4_quantization


def _refuse_mode(layer, mode):
    if mode != "int4":
        raise NotImplementedError(f"Embedding {layer.name!r}: quantization mode {mode!r} is not supported by "
                                  f"tkeras for Embedding; 'int4' is")


def accepted_config(layer, config):
    """None, or an Int4QuantizationConfig without custom quantizers (as a dict from a file, or the object)."""
    if config is None:
        return None
    if isinstance(config, dict):
        from tkeras.saving.serialization import deserialize_keras_object
        config = deserialize_keras_object(config)
    if not int4_quantization.accepts(config):
        raise ValueError(f"Embedding {layer.name!r}: quantization_config={config!r} is not supported by tkeras; "
                         f"None or Int4QuantizationConfig(block_size=...) without custom quantizers is")
    return config


def serialized_config(config):
    if config is None:
        return None  # as Keras 3.15 writes it for a layer that is not quantized
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(config)


def _layout(layer):
    block_size = int4_quantization.block_size_for(layer, layer.quantization_config)
    return int4_quantization.EmbeddingInt4Layout((layer.input_dim, layer.output_dim), block_size)


def build_quantized(layer, mode):
    """The int4 variables of a layer whose policy is already int4 (a layer read from a file)."""
    _refuse_mode(layer, mode)
    layer._int4_layout = _layout(layer)
    layer._int4_layout.build(layer)


def quantize(layer, mode, type_check, config):
    from tkeras import dtype_policies, quantizers
    from tkeras.layers.core.embedding import Embedding
    if type_check and type(layer) is not Embedding:
        raise NotImplementedError(f"{type(layer).__name__} {layer.name!r}: quantize() is implemented for "
                                  f"Embedding itself, not its subclasses (pass type_check=False to quantize anyway)")
    mode = mode if mode is not None else getattr(config, "mode", None)
    _refuse_mode(layer, mode)
    if not layer.built:
        raise ValueError(f"Embedding {layer.name!r}: build the layer (call it once) before quantize({mode!r})")
    if layer.dtype_policy.quantization_mode is not None:
        raise ValueError(f"Embedding {layer.name!r} is already quantized ({layer.dtype_policy.name})")
    if layer.lora_enabled:
        raise NotImplementedError(f"Embedding {layer.name!r}: quantize('int4') with LoRA enabled is not "
                                  f"supported by tkeras")
    layer.quantization_config = accepted_config(layer, quantizers.Int4QuantizationConfig() if config is None
                                                else config)
    table = layer.embeddings
    layout = _layout(layer)
    values = layout.quantized_values(table.detach())
    layer._own_weights = [w for w in layer._own_weights if w is not table]
    for key, value in list(layer._parameters.items()):
        if value is table:
            del layer._parameters[key]
    layer.__dict__.pop("_embeddings", None)
    layer._int4_layout = layout
    layout.build(layer)
    for name, value in values.items():
        getattr(layer, name).assign(value)
    layer.dtype_policy = dtype_policies.get(f"int4/{layout.policy_block_size}_from_{layer.dtype_policy.name}")
