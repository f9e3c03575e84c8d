"""Keras 3's int4 mode of Dense and EinsumDense (`layer.quantize("int4")`), stored as Keras stores it.

The kernel is seen as a (rows, columns) matrix: its memory reshaped so that rows are the product of
the contracted (input) axes and columns the product of the others (Dense: (input_dim, units)). The
int4 values are packed two per int8 byte along the columns (`kernel`: (rows, ceil(columns / 2))).

Two schemes, picked by the block size (from `Int4QuantizationConfig.block_size`, or the policy
"int4/<block_size>_from_..." of a layer read from a file):
- per channel (block size None or -1): symmetric abs-max, `q = clip(round(w * s), -8, 7)` with
  `s = 7 / (max |w| of the column + 1e-7)`; `kernel_scale` (columns,); the float kernel is `q / s`.
- grouped (block size b > 0, Keras' default b = 128): rows are cut into ceil(rows / b) groups (the last
  one padded with zero rows when computing its range); per group and column, asymmetric:
  `s = (max - min + 1e-7) / 15`, `z = clip(round(-min / s) - 8, -8, 7)`, `q = clip(round(w / s) + z, -8, 7)`;
  `kernel_scale` and `kernel_zero` (int8) are (groups, columns), `g_idx` (float32, (rows,)) names each
  row's group; the float kernel is `(q - z[g_idx]) * s[g_idx]`.
Inputs are not quantized (Keras' default int4 config has no activation quantizer): the call multiplies
the inputs by the dequantized kernel, so gradients reach the inputs and never the frozen int4 values.
"""
import math

import torch

from tkeras.ops.core import tensor
from tkeras.quantizers import int4_packing

_EPSILON = 1e-7  # Keras' backend.epsilon(), the guard against an empty range
_LOW, _HIGH = -8, 7


def _quantize_per_channel(flat):
    amax = torch.amax(torch.abs(flat), dim=0, keepdim=True)
    scale = _HIGH / (amax + _EPSILON)
    values = torch.clamp(torch.round(flat * scale), _LOW, _HIGH).to(torch.int8)
    return values, scale[0]


def _quantize_grouped(flat, block_size):
    rows, columns = flat.shape
    groups = math.ceil(rows / block_size)
    padded = torch.cat([flat, flat.new_zeros((groups * block_size - rows, columns))])
    blocks = padded.reshape(groups, block_size, columns)
    low = torch.amin(blocks, dim=1, keepdim=True)
    high = torch.amax(blocks, dim=1, keepdim=True)
    scale = (high - low + _EPSILON) / (_HIGH - _LOW)
    zero = torch.clamp(torch.round(-low / scale) + _LOW, _LOW, _HIGH)
    values = torch.clamp(torch.round(blocks / scale) + zero, _LOW, _HIGH)
    values = values.reshape(groups * block_size, columns)[:rows].to(torch.int8)
    return values, scale[:, 0], zero[:, 0].to(torch.int8)


class Int4Layout:
    """The int4 form of one layer's kernel: its shapes, its block size and the variables that hold it."""

    def __init__(self, kernel_shape, reduced_axes, block_size):
        self.kernel_shape = tuple(int(d) for d in kernel_shape)
        self.rows = math.prod(d for i, d in enumerate(self.kernel_shape) if i in reduced_axes)
        self.columns = math.prod(d for i, d in enumerate(self.kernel_shape) if i not in reduced_axes)
        self.block_size = None if block_size in (None, -1) else int(block_size)

    @property
    def policy_block_size(self):
        return -1 if self.block_size is None else self.block_size

    def build(self, layer):
        """Add the int4 variables to `layer` (under Keras' names, in Keras' file order after the bias)."""
        # Held as `_int4_kernel`, not in the float kernel's slot, so `kernel` reads the unpacked values (as
        # Keras' does) without a check on the float layers' hot path (layers/lora.py).
        layer._int4_kernel = layer.add_weight(name="kernel", shape=(self.rows, (self.columns + 1) // 2),
                                              initializer="zeros", dtype="int8", trainable=False)
        if self.block_size is None:
            layer.kernel_scale = layer.add_weight(name="kernel_scale", shape=(self.columns,), initializer="ones",
                                                  trainable=False)
            return
        scale_shape = (math.ceil(self.rows / self.block_size), self.columns)
        layer.kernel_scale = layer.add_weight(name="kernel_scale", shape=scale_shape, initializer="ones",
                                              trainable=False)
        layer.kernel_zero = layer.add_weight(name="kernel_zero", shape=scale_shape, initializer="zeros",
                                             dtype="int8", trainable=False)
        layer.g_idx = layer.add_weight(name="g_idx", shape=(self.rows,), initializer="zeros", trainable=False)
        layer.g_idx.assign(torch.div(torch.arange(self.rows, dtype=torch.float32), self.block_size,
                                     rounding_mode="floor"))

    def quantized_values(self, float_kernel, weight_quantizer=None):
        """{variable name: value} for the float kernel (the packed `kernel` included); per channel, a
        config's `weight_quantizer` (Dense) replaces the abs-max default, called on the host as Keras."""
        flat = float_kernel.detach().to(torch.float32).reshape(self.rows, self.columns)
        if weight_quantizer is not None:
            values, scale = (tensor(v) for v in weight_quantizer(flat, to_numpy=True))
            if tuple(scale.shape) != (1, self.columns):
                raise ValueError(f"the int4 weight_quantizer must return a scale of shape (1, {self.columns}) "
                                 f"(one per output unit, e.g. AbsMaxQuantizer(axis=0)); "
                                 f"{type(weight_quantizer).__name__} returned shape {tuple(scale.shape)}")
            values, scale = values.to(torch.int8), scale[0].to(torch.float32)
            found = {"kernel_scale": scale}
        elif self.block_size is None:
            values, scale = _quantize_per_channel(flat)
            found = {"kernel_scale": scale}
        else:
            values, scale, zero = _quantize_grouped(flat, self.block_size)
            found = {"kernel_scale": scale, "kernel_zero": zero}
        packed, _, _ = int4_packing.pack_int4(values, axis=-1)
        return {"kernel": packed, **found}

    def unpacked(self, layer):
        """The int4 values, (rows, columns) int8."""
        return int4_packing.unpack_int4(layer._int4_kernel, self.columns, axis=-1)

    def unpacked_kernel(self, layer):
        """The int4 values in the kernel's shape (int8 in [-8, 7]): what Keras' `kernel` reads once int4."""
        return self.unpacked(layer).reshape(self.kernel_shape)

    def float_kernel(self, layer, dtype):
        """The dequantized kernel in the layer's kernel shape."""
        values = self.unpacked(layer).to(dtype)
        if self.block_size is None:
            flat = values / layer.kernel_scale.to(dtype)
        else:
            groups = layer.g_idx.to(torch.int64)
            scale = layer.kernel_scale.to(dtype)[groups]
            zero = layer.kernel_zero.to(dtype)[groups]
            flat = (values - zero) * scale
        return flat.reshape(self.kernel_shape)

    def file_variables(self, layer):
        """The int4 variables after the bias, in Keras' file order."""
        if self.block_size is None:
            return [layer.kernel_scale]
        return [layer.kernel_scale, layer.kernel_zero, layer.g_idx]


def dense_matmul(layer, inputs):
    """inputs @ the int4 kernel of a Dense. Per channel as Keras: the int4 values first, then de-scaled."""
    layout = layer._int4_layout
    dtype = inputs.dtype if inputs.dtype.is_floating_point else torch.float32
    if layout.block_size is None and layer.inputs_quantizer is not None:
        return _dense_matmul_quantized_inputs(layer, inputs.to(dtype))
    if layout.block_size is None:
        outputs = torch.matmul(inputs.to(dtype), layout.unpacked(layer).to(dtype))
        return outputs / layer.kernel_scale.to(dtype)
    return torch.matmul(inputs.to(dtype), layout.float_kernel(layer, dtype))


def _dense_matmul_quantized_inputs(layer, inputs):
    """Per channel with the config's activation quantizer, as Keras: the quantized inputs meet the int4
    values and both scales divide the sums; gradients reach the inputs through the dequantized kernel."""
    values = layer._int4_layout.unpacked(layer).to(inputs.dtype)
    scale = layer.kernel_scale.to(inputs.dtype)
    with torch.no_grad():
        quantized, inputs_scale = layer.inputs_quantizer(inputs, axis=-1)
        exact = torch.matmul(torch.as_tensor(quantized).to(inputs.dtype), values)
        exact = exact / (scale * torch.as_tensor(inputs_scale).to(inputs.dtype))
    through_float_kernel = torch.matmul(inputs, values / scale)
    return through_float_kernel + (exact - through_float_kernel).detach()


def block_size_for(layer, config):
    """The config's block size when it is an Int4QuantizationConfig, else the policy's, as Keras decides."""
    from tkeras import quantizers
    if isinstance(config, quantizers.Int4QuantizationConfig):
        return config.block_size
    return getattr(layer.dtype_policy, "block_size", None)


def accepts(config, custom_quantizers=False):
    """Whether tkeras runs `config` as Keras does: weight-only int4 with the built-in quantizers, or, for a
    layer that takes them (`custom_quantizers`: Dense), the config's own quantizers (per channel only,
    which Int4QuantizationConfig already insists on)."""
    from tkeras import quantizers
    if not isinstance(config, quantizers.Int4QuantizationConfig):
        return False
    return custom_quantizers or (config.weight_quantizer is None and config.activation_quantizer is None)


class EmbeddingInt4Layout:
    """The int4 form of an Embedding's (input_dim, output_dim) table, as Keras 3 stores it.

    The roles are the transpose of the kernel's: each id's row is one channel, so the per-channel scale is
    (input_dim,) and groups of `block_size` run along the output axis (`embeddings_scale` and
    `embeddings_zero`: (input_dim, groups); `g_idx`: (output_dim,)). The table is packed along the output
    axis. Lookups unpack only the rows asked for."""

    def __init__(self, table_shape, block_size):
        self.input_dim, self.output_dim = (int(d) for d in table_shape)
        self.block_size = None if block_size in (None, -1) else int(block_size)

    @property
    def policy_block_size(self):
        return -1 if self.block_size is None else self.block_size

    def build(self, layer):
        layer._int4_table = layer.add_weight(name="embeddings", shape=(self.input_dim, (self.output_dim + 1) // 2),
                                             initializer="zeros", dtype="int8", trainable=False)
        if self.block_size is None:
            layer.embeddings_scale = layer.add_weight(name="embeddings_scale", shape=(self.input_dim,),
                                                      initializer="ones", trainable=False)
            return
        scale_shape = (self.input_dim, math.ceil(self.output_dim / self.block_size))
        layer.embeddings_scale = layer.add_weight(name="embeddings_scale", shape=scale_shape, initializer="ones",
                                                  trainable=False)
        layer.embeddings_zero = layer.add_weight(name="embeddings_zero", shape=scale_shape, initializer="zeros",
                                                 dtype="int8", trainable=False)
        layer.g_idx = layer.add_weight(name="g_idx", shape=(self.output_dim,), initializer="zeros",
                                       trainable=False)
        layer.g_idx.assign(torch.div(torch.arange(self.output_dim, dtype=torch.float32), self.block_size,
                                     rounding_mode="floor"))

    def quantized_values(self, table):
        """{variable attribute: value} for the float table (the packed table included)."""
        flat = table.detach().to(torch.float32).transpose(0, 1)  # (output_dim, input_dim): ids are columns
        if self.block_size is None:
            values, scale = _quantize_per_channel(flat)
            found = {"embeddings_scale": scale}
        else:
            values, scale, zero = _quantize_grouped(flat, self.block_size)
            found = {"embeddings_scale": scale.transpose(0, 1), "embeddings_zero": zero.transpose(0, 1)}
        packed, _, _ = int4_packing.pack_int4(values.transpose(0, 1).contiguous(), axis=-1)
        return {"_int4_table": packed, **found}

    def unpacked_table(self, layer):
        """The int4 values, (input_dim, output_dim) int8: what Keras' `embeddings` reads once quantized."""
        return int4_packing.unpack_int4(layer._int4_table, self.output_dim, axis=-1)

    def lookup(self, layer, ids):
        """The float rows of `ids` (any shape of int64/int32 ids)."""
        packed_rows = torch.nn.functional.embedding(ids, layer._int4_table)
        rows = int4_packing.unpack_int4(packed_rows, self.output_dim, axis=-1).to(torch.float32)
        scale = torch.nn.functional.embedding(ids, layer.embeddings_scale.reshape(self.input_dim, -1))
        if self.block_size is None:
            return rows / scale
        groups = layer.g_idx.to(torch.int64)
        zero = torch.nn.functional.embedding(ids, layer.embeddings_zero).to(torch.float32)
        return (rows - zero[..., groups]) * scale[..., groups]
