"""Embedding: integer ids -> rows of an (input_dim, output_dim) table named `embeddings`.

With LoRA (`enable_lora(rank)` or `lora_rank=`, layers/lora.py) the table is frozen and `embeddings` reads
the merged table; the call looks up rows of the frozen table and adds the looked-up rows of
`lora_embeddings_a` times `lora_embeddings_b` (the same numbers as a lookup in the merged table, without
building the whole merged table every step).
"""
import numbers
import operator

import torch
import torch.nn.functional as F

from tkeras import constraints, initializers, regularizers
from tkeras.backend import config
from tkeras.layers.core import embedding_quantization
from tkeras.layers.core._embedding_lookup import lookup
from tkeras.layers.layer import Layer
from tkeras.layers.lora import LoraEmbeddingsMixin


def _scalar_size(value):
    """A size given as a 0-d integer tensor or array (`tf.shape(t)[1]`) as a Python int; tf.keras 2 builds
    the table from it (keras-io's CCT sizes its positional Embedding so). Anything else is left for the
    caller's check."""
    dtype = getattr(value, "dtype", None)
    if getattr(value, "ndim", None) == 0 and dtype is not None and not isinstance(value, numbers.Number):
        if getattr(dtype, "is_floating_point", False) or str(dtype).split(".")[-1].startswith(("float", "bool")):
            return value
        try:
            return operator.index(value)
        except TypeError:
            return value
    return value


class Embedding(LoraEmbeddingsMixin, Layer):
    """Looks up a vector per id. `mask_zero=True` makes id 0 padding: the output carries a mask that
    recurrent layers use to skip those steps.

    Ids may come in any integer dtype, or as floats holding integers (Keras casts them). An id outside
    [0, input_dim) is reported with the layer's name; the check costs nothing on the CPU (torch's own
    bounds check raises, and is translated) and is not done on accelerators, where reading a flag back
    every step would stall the pipeline.
    """

    def __init__(self, input_dim=None, output_dim=None, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero=False, input_length=None, quantization_config=None, **kwargs):
        embeddings_initializer = kwargs.pop("init", embeddings_initializer)  # Keras 1
        embeddings_regularizer = kwargs.pop("W_regularizer", embeddings_regularizer)
        embeddings_constraint = kwargs.pop("W_constraint", embeddings_constraint)
        # Keras 1 `dropout=`: in training, whole ids (rows of the table) are dropped; Keras 2 removed it.
        dropout = float(kwargs.pop("dropout", 0.0) or 0.0)
        sparse = bool(kwargs.pop("sparse", False))
        lora_rank, lora_alpha = kwargs.pop("lora_rank", None), kwargs.pop("lora_alpha", None)
        kwargs.pop("embeddings_quantizer", None)
        if input_length is not None and kwargs.get("input_shape") is None and kwargs.get("batch_input_shape") is None:
            # Keras 2: the first layer of a Sequential knows its input shape from input_length.
            length = input_length if isinstance(input_length, numbers.Integral) else None
            kwargs["batch_input_shape"] = (kwargs.pop("batch_size", None), length)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        input_dim, output_dim = _scalar_size(input_dim), _scalar_size(output_dim)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                raise ValueError(f"Embedding: {arg} must be a positive integer, received {arg}={value!r}")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.input_length = input_length
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.dropout = dropout
        self.sparse = sparse  # tf-keras' flag; lookups return dense vectors here
        self._init_lora(lora_rank, lora_alpha)
        self.quantization_config = embedding_quantization.accepted_config(self, quantization_config)
        # Float ids are not rounded to half precision (float16 holds integers exactly only up to 2048),
        # and rows are read from the float32 table, then handed out in the compute dtype (see `call`).
        self.autocast = False

    def build(self, input_shape=None):
        mode = self.dtype_policy.quantization_mode
        if mode is not None:  # a quantized layer from a file: its int8/int4 table and scales are loaded next
            embedding_quantization.build_quantized(self, mode)
            self.built = True
            return
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True
        self._build_lora()

    _quantized_layout = None  # an int8/int4 table layout (embedding_quantization.py) once quantized

    def set_weights(self, weights):
        # Keras 2 built a model's Embedding at once (ids of any length), and GloVe-era scripts set its
        # table before any data: `model.layers[0].set_weights([embedding_matrix])`. The table's shape
        # does not depend on the input, so build it here.
        if not self.built:
            self._build_from_shape(self._build_input_shape or (None, None))
        super().set_weights(weights)

    def call(self, inputs, training=None):
        rows = self._rows(inputs, training)
        dtype = config.standardize_dtype(self.compute_dtype)  # float16 under mixed_float16, as in Keras
        return rows if rows.dtype == dtype else rows.to(dtype)

    def _rows(self, inputs, training):
        ids = inputs
        if ids.dtype not in (torch.int64, torch.int32):
            ids = ids.long()  # uint8/int16/bool, and floats holding integers (truncated, as Keras)
        lora = self.lora_enabled and not (training and 0 < self.dropout < 1)
        table = self.__dict__.get("_embeddings")  # the stored (with LoRA: frozen) table, read directly
        if table is None or (self.lora_enabled and not lora):
            if self._quantized_layout is not None:  # quantize("int8" / "int4"): rows de-scaled
                return self._quantized_layout.lookup(self, ids)
            table = self.embeddings  # the merged table when Keras 1 dropout needs the whole of it
        if training and 0 < self.dropout < 1:  # Keras 1: each id kept with 1 - dropout, scaled up to match
            keep = 1.0 - self.dropout
            table = table * (torch.bernoulli(torch.full((self.input_dim, 1), keep, device=table.device)) / keep)
        if ids.device.type != "cpu":
            return self._lora_lookup(ids, table) if lora else F.embedding(ids, table)
        try:
            return self._lora_lookup(ids, table) if lora else lookup(ids, table)
        except IndexError:
            low, high = int(ids.min()), int(ids.max())
            raise ValueError(
                f"Embedding layer {self.name!r}: ids must be in [0, input_dim={self.input_dim}), received "
                f"ids from {low} to {high}. Make input_dim larger than the largest id (e.g. the "
                f"vocabulary size + 1 when 0 is padding), or clip the ids") from None

    def _lora_lookup(self, ids, frozen):
        """Rows of `frozen + (alpha / rank) * A @ B` for `ids`, from the rows of A alone."""
        update = torch.matmul(F.embedding(ids, self.lora_embeddings_a), self.lora_embeddings_b)
        update = update * (self.lora_alpha / self.lora_rank)
        return F.embedding(ids, frozen) + update.to(frozen.dtype)

    def quantize(self, mode=None, type_check=True, config=None):
        """Keras 3's `quantize("int8" | "int4")`: the table becomes int8 (or packed int4) values with scales."""
        embedding_quantization.quantize(self, mode, type_check, config)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            # ragged rows padded on entry (layer_inputs.ragged_as_padded): TensorFlow's embedding of a ragged
            # tensor is ragged again, so the rows' lengths go on to the RNN after it
            return mask if isinstance(mask, torch.Tensor) and "_from_ragged_rows" in mask.__dict__ else None
        return inputs != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": embedding_quantization.serialized_config(self.quantization_config),
        })
        if self.input_length is not None:
            config["input_length"] = self.input_length
        if self.dropout:
            config["dropout"] = self.dropout
        return self._lora_config(config)
