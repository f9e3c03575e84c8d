"""GroupQueryAttention (Ainslie et al., 2023): many query heads share fewer key/value heads.

Keras 3.15 exports the class as `keras.layers.GroupQueryAttention` and writes that name in configs;
Keras 3.0 wrote its class name, `GroupedQueryAttention`. tkeras' class keeps the class name (so both
spellings load) and writes the exported one (`_keras_class_name`), so real Keras reads the files.

Weights live in EinsumDense sublayers under the private attribute names Keras saves them by
(`_query_dense`, `_key_dense`, [`_gate_dense`,] `_value_dense`, `_output_dense`), in that order:
query kernel (dim, query_heads, head_dim), key/value kernels (dim, kv_heads, head_dim), output kernel
(query_heads, head_dim, dim), each followed by its bias.

The attention runs through torch's fused `scaled_dot_product_attention` (its `enable_gqa` reads each
key/value head for its group of query heads without copying them) unless the scores are asked for.
As in MultiHeadAttention, a query step whose every key is masked attends uniformly to all keys on both
paths (what Keras' default fused path computes).
"""
import math

from tkeras import config as keras_config
from tkeras import constraints, initializers, regularizers
from tkeras.layers.attention import _masks, _scaled_dot_product
from tkeras.layers.attention._query_value_key import QueryValueKeyLayer, positive_int
from tkeras.layers.core.einsum_dense import EinsumDense
from tkeras.layers.layer_inputs import mask_of
from tkeras.layers.regularization.dropout import Dropout


class GroupedQueryAttention(QueryValueKeyLayer):
    """Grouped-query attention: `num_query_heads` query heads in `num_key_value_heads` groups, each
    group attending with one shared key/value head (1 group: multi-query attention; as many groups as
    query heads: multi-head attention).

    Args:
        head_dim: size of every head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide num_query_heads.
        dropout: dropout rate on the attention probabilities (training only).
        use_bias: whether the projections have biases.
        sliding_window: if set, step i only attends to key steps within `sliding_window - 1`.
        flash_attention: True asks for the fused kernel only (no dropout, no scores); None and False
            let torch choose its kernel, as it always does here.
        kernel_initializer, bias_initializer, *_regularizer, *_constraint: for every projection.
        use_gate: gate the heads by a sigmoid projection of the query before the output projection.
        seed: seed of the dropout.

    Call arguments:
        query (B, T, dim), value (B, S, dim), key (B, S, dim; default: value), attention_mask
        (B, T, S; True = may attend), query_mask/value_mask/key_mask (taken from the inputs' Keras
        masks by default), return_attention_scores (also return (B, query_heads, T, S)),
        use_causal_mask, training.

    Example:
        >>> x = keras.Input((10, 32))
        >>> y = GroupQueryAttention(head_dim=8, num_query_heads=4, num_key_value_heads=2)(x, x)
    """

    _label = "GroupQueryAttention"
    _keras_class_name = "GroupQueryAttention"
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = positive_int(head_dim, "head_dim", "GroupQueryAttention")
        self.num_query_heads = positive_int(num_query_heads, "num_query_heads", "GroupQueryAttention")
        self.num_key_value_heads = positive_int(num_key_value_heads, "num_key_value_heads", "GroupQueryAttention")
        if self.num_query_heads % self.num_key_value_heads:
            raise ValueError(f"GroupQueryAttention: num_query_heads ({num_query_heads}) must be a multiple of "
                             f"num_key_value_heads ({num_key_value_heads})")
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"GroupQueryAttention: dropout must be in [0, 1), received dropout={dropout!r}")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = None if sliding_window is None else positive_int(
            sliding_window, "sliding_window", "GroupQueryAttention")
        self._flash_attention = flash_attention or keras_config.is_flash_attention_enabled()
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(f"GroupQueryAttention: flash_attention=True does not support dropout, received "
                             f"dropout={dropout}; set dropout=0.0 or flash_attention=None")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        # Keras hands the activity regularizer to the projections, not to this layer's output.
        self._projection_activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._build_shapes = None

    # -- building ---------------------------------------------------------------------------------
    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape if value_shape is not None else query_shape)
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        for name, shape in (("query", query_shape), ("key", key_shape), ("value", value_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(f"GroupQueryAttention {self.name!r}: {name} must be (batch, steps, features) "
                                 f"with known features, received {name} shape {shape}")
        if value_shape[1] != key_shape[1] and None not in (value_shape[1], key_shape[1]):
            raise ValueError(f"GroupQueryAttention {self.name!r}: value and key must have the same number of "
                             f"steps, received value_shape={value_shape} and key_shape={key_shape}")
        heads, groups, dim = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self.feature_dim = query_shape[-1]
        # Keras' creation order (query, key, gate, value, output) is the weight order.
        self._query_dense = self._projection("bqm,muh->bquh", (None, heads, dim), "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", (None, groups, dim), "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", (None, heads, dim), "uh", "gate",
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", (None, groups, dim), "vh", "value")
        self._value_dense.build(value_shape)
        # Keras holds a Dropout here, whose seed generator `variables` lists between value and output;
        # tkeras drops the attention probabilities itself in `call` and holds the layer for that listing.
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed)
        self._output_dense = self._projection("bquh,uhm->bqm", (None, query_shape[-1]), "m", "attention_output")
        self._output_dense.build((None, None, heads, dim))
        self.built = True

    def _projection(self, equation, output_shape, bias_axes, name, activation=None):
        def fresh(initializer):
            # Each projection gets its own initializer object, as in Keras (same seed, new draws).
            if isinstance(initializer, initializers.Initializer):
                return type(initializer).from_config(initializer.get_config())
            return initializer
        return EinsumDense(
            equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None,
            activation=activation, name=name, kernel_initializer=fresh(self.kernel_initializer),
            bias_initializer=fresh(self.bias_initializer), kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer, activity_regularizer=self._projection_activity_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            dtype=self._dtype_policy if self._precision_explicit else None)

    # -- the computation --------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if return_attention_scores and self._flash_attention:
            raise ValueError(f"GroupQueryAttention {self.name!r}: return_attention_scores=True needs the "
                             f"explicit softmax, which flash_attention=True rules out; build the layer with "
                             f"flash_attention=None to get the scores")
        if key is None:
            key = value  # the value's mask then covers the keys
        elif key_mask is None:
            key_mask = mask_of(key)
        if query_mask is None:
            query_mask = mask_of(query)
        if value_mask is None:
            value_mask = mask_of(value)
        for tensor in (query, value, key):  # Keras consumes the inputs' masks (see MultiHeadAttention)
            tensor.__dict__.pop("_keras_mask", None)
        batch, t_len, s_len = query.shape[0], query.shape[1], value.shape[1]
        mask = self._attention_mask(query_mask, value_mask, key_mask, attention_mask, use_causal_mask,
                                    batch, t_len, s_len, query.device)
        causal_only = use_causal_mask and mask is None

        q = self._query_dense(query).transpose(1, 2)  # (B, query_heads, T, head_dim)
        k = self._key_dense(key).transpose(1, 2)      # (B, kv_heads, S, head_dim)
        v = self._value_dense(value).transpose(1, 2)
        rate = self.dropout if training else 0.0
        if rate and self.seed is not None:  # the seeded Dropout's own stream (as Keras' dropout layer)
            rate = self._seeded_dropout
        scale = 1.0 / math.sqrt(self.head_dim)
        if return_attention_scores:
            if causal_only:
                mask = _masks.causal(t_len, s_len, query.device)
            attended, scores = _scaled_dot_product.explicit(q, k, v, mask, rate, scale, self.num_repeats)
        else:
            attended = _scaled_dot_product.fused(q, k, v, mask, causal_only, rate, scale, self.num_repeats)
            scores = None
        attended = attended.transpose(1, 2)  # (B, T, query_heads, head_dim)
        if self.use_gate:
            attended = attended * self._gate_dense(query)
        output = self._output_dense(attended)
        if query_mask is not None:
            output._keras_mask = query_mask
        if return_attention_scores:
            return output, scores
        return output

    def _attention_mask(self, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, batch,
                        t_len, s_len, device):
        """Every mask that applies, as one boolean (B or 1, T, S); None when none does (causal alone is
        left to the fused kernel's is_causal)."""
        mask = None
        if query_mask is not None:
            mask = _masks.as_bool(query_mask, device).reshape(batch, t_len, 1)
        for padding in (value_mask, key_mask):
            if padding is not None:
                mask = _masks.both(mask, _masks.as_bool(padding, device).reshape(batch, 1, s_len))
        if attention_mask is not None:
            mask = _masks.both(mask, _masks.as_bool(attention_mask, device))
        if mask is None and self.sliding_window is None:
            return None
        if use_causal_mask:
            mask = _masks.both(mask, _masks.causal(t_len, s_len, device))
        if self.sliding_window is not None:
            mask = _masks.both(mask, _masks.band(t_len, s_len, self.sliding_window, device))
        return mask

    def compute_mask(self, inputs, mask=None):
        return None  # `call` puts the query's mask on the output itself

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if value_shape is not None and query_shape[-1] != tuple(value_shape)[-1]:
            raise ValueError(f"GroupQueryAttention {self.name!r}: the last axis of query and value must be "
                             f"equal, received query_shape={query_shape} and value_shape={tuple(value_shape)}")
        if value_shape is not None and key_shape is not None and \
                tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise ValueError(f"GroupQueryAttention {self.name!r}: value and key must have the same shape "
                             f"except for the last axis, received value_shape={tuple(value_shape)} and "
                             f"key_shape={tuple(key_shape)}")
        return query_shape

    def _seeded_dropout(self, probabilities):
        """The attention weights' dropout from the layer's seed stream (its Dropout's generator)."""
        return self._dropout_layer.call(probabilities, training=True)

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)  # written below, in Keras' place
        config.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._projection_activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config):
        from tkeras.saving.config_compat import class_config, normalize
        return cls(**class_config(cls, normalize(config)))


GroupQueryAttention = GroupedQueryAttention
