"""Keras 3's `Embedding.quantize("int8" | "int4")` (kept out of the layer): the float table is replaced by
a quantized table with its scales, the policy becomes "int8_from_<source>" or
"int4/<block_size>_from_<source>", and a quantized layer read from a file builds those variables.

int8 (as Keras): one abs-max scale per id (row), `embeddings_scale` (input_dim,) float32, with
`q = clip(round(w * s), -127, 127)` and `s = 127 / (max |w| of the row + 1e-7)`; a lookup reads the int8
rows and divides them by their ids' scales. Rows rather than columns are scaled because a vocabulary is
usually much longer than the vector, which keeps the rounding error small. int4: int4_quantization.py.

The quantized table is held under its own attribute (not the float table's slot), so the float layer's
lookup stays as it is and `embeddings` reads what Keras' does (the int8 variable, or the int4 values
unpacked). Any other mode raises NotImplementedError naming the layer, which `Model.quantize` turns into a
warning, as Keras does for layers that refuse a mode.
"""
import torch

from tkeras.layers.core import int4_quantization, int8_quantization
from tkeras.ops.core import tensor


def _refuse_mode(layer, mode):
    if mode not in ("int8", "int4"):
        raise NotImplementedError(f"Embedding {layer.name!r}: quantization mode {mode!r} is not supported by "
                                  f"tkeras for Embedding; 'int8' and 'int4' are")


class EmbeddingInt8Layout:
    """The int8 form of an Embedding's (input_dim, output_dim) table: int8 rows, one scale per id."""

    def __init__(self, table_shape):
        self.input_dim, self.output_dim = (int(d) for d in table_shape)

    def build(self, layer):
        """Keras' variables, in its file order: `embeddings` (int8), then `embeddings_scale`."""
        layer._int8_table = layer.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                             initializer="zeros", dtype="int8", trainable=False)
        layer.embeddings_scale = layer.add_weight(name="embeddings_scale", shape=(self.input_dim,),
                                                  initializer="ones", trainable=False)

    def quantized_values(self, table, weight_quantizer=None):
        """The int8 rows and their scales: abs-max per id, or by a config's `weight_quantizer` (called on
        the host as Keras calls it; its scale must be one per id)."""
        if weight_quantizer is None:
            values, scale = int8_quantization.quantize(table.detach().to(torch.float32), -1)
            return {"_int8_table": values, "embeddings_scale": scale[:, 0]}
        values, scale = (tensor(v) for v in weight_quantizer(table.detach(), to_numpy=True))
        if tuple(scale.shape) != (self.input_dim, 1):
            raise ValueError(f"Embedding: the int8 weight_quantizer must return a scale of shape ({self.input_dim}, "
                             f"1) (one per id, e.g. AbsMaxQuantizer(axis=-1)); {type(weight_quantizer).__name__} "
                             f"returned shape {tuple(scale.shape)}")
        return {"_int8_table": values.to(torch.int8), "embeddings_scale": scale[:, 0]}

    def unpacked_table(self, layer):
        """What Keras' `embeddings` reads once int8: the int8 variable itself."""
        return layer._int8_table

    def lookup(self, layer, ids):
        """The float rows of `ids`: int8 rows over their scales."""
        rows = layer._int8_table[ids].to(torch.float32)
        return rows / layer.embeddings_scale[ids].unsqueeze(-1)


def accepted_config(layer, config):
    """None, an Int8QuantizationConfig (its weight quantizer is run; a lookup has no inputs to quantize,
    so Keras ignores the activation one), or an Int4QuantizationConfig without custom quantizers (as a
    dict from a file, or the object)."""
    from tkeras import quantizers
    if config is None:
        return None
    if isinstance(config, dict):
        from tkeras.saving.serialization import deserialize_keras_object
        config = deserialize_keras_object(config)
    if int4_quantization.accepts(config) or isinstance(config, quantizers.Int8QuantizationConfig):
        return config
    return int8_quantization.accepted_config(layer, config, "int8")


def serialized_config(config):
    if config is None:
        return None  # as Keras 3.15 writes it for a layer that is not quantized
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(config)


def _layout(layer, mode):
    if mode == "int8":
        return EmbeddingInt8Layout((layer.input_dim, layer.output_dim))
    block_size = int4_quantization.block_size_for(layer, layer.quantization_config)
    return int4_quantization.EmbeddingInt4Layout((layer.input_dim, layer.output_dim), block_size)


def build_quantized(layer, mode):
    """The quantized variables of a layer whose policy is already quantized (a layer read from a file)."""
    _refuse_mode(layer, mode)
    layer._quantized_layout = _layout(layer, mode)
    layer._quantized_layout.build(layer)


def _default_config(mode):
    """What Keras records when quantize() gets no config: the mode's default config."""
    from tkeras import quantizers
    return quantizers.Int8QuantizationConfig() if mode == "int8" else quantizers.Int4QuantizationConfig()


def quantize(layer, mode, type_check, config):
    from tkeras import dtype_policies
    from tkeras.layers.core.embedding import Embedding
    mode = int8_quantization.checked_request(layer, Embedding, mode, type_check, config, check=_refuse_mode)
    if layer.lora_enabled:
        raise NotImplementedError(f"Embedding {layer.name!r}: quantize({mode!r}) with LoRA enabled is not "
                                  f"supported by tkeras")
    layer.quantization_config = accepted_config(layer, _default_config(mode) if config is None else config)
    table = layer.embeddings
    layout = _layout(layer, mode)
    if mode == "int8":
        values = layout.quantized_values(table.detach(), layer.quantization_config.weight_quantizer)
    else:
        values = layout.quantized_values(table.detach())
    layer._own_weights = [w for w in layer._own_weights if w is not table]
    for key, value in list(layer._parameters.items()):
        if value is table:
            del layer._parameters[key]
    layer.__dict__.pop("_embeddings", None)
    layer._quantized_layout = layout
    layout.build(layer)
    for name, value in values.items():
        getattr(layer, name).assign(value)
    policy = "int8" if mode == "int8" else f"int4/{layout.policy_block_size}"
    layer.dtype_policy = dtype_policies.get(f"{policy}_from_{layer.dtype_policy.name}")
