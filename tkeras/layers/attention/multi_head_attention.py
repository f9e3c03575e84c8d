"""MultiHeadAttention (Vaswani et al., 2017) with Keras 3's sublayers, weight layout and masking.

Weights live in four EinsumDense sublayers, held under the attribute names Keras 3 saves them by
(`query_dense`, `key_dense`, `value_dense`, `output_dense`), so a `.keras` file stores them at
`layers/multi_head_attention/query_dense/vars/0` etc. exactly as Keras does, and `get_weights()`
lists them in Keras' order: query kernel (dim, heads, key_dim), query bias (heads, key_dim), key,
value, then the output kernel (heads, value_dim, dim) and bias (dim,).

The attention itself runs through torch's fused `scaled_dot_product_attention` whenever the scores
are not asked for; the explicit softmax path (needed to return the scores) computes the same numbers.
A query step whose every key is masked (a padded query position) attends uniformly to all keys on
both paths: that is what Keras' default (fused) path computes, and layers that drop the mask
(Flatten, EinsumDense...) pass those rows on, so matching it keeps predictions equal to Keras'.
(Keras' explicit path zeroes those rows instead; tkeras does not follow that inconsistency.)
"""
import numbers
import string

from tkeras import constraints, initializers, regularizers
from tkeras.layers.attention import _masks, _scaled_dot_product
from tkeras.layers.attention._query_value_key import QueryValueKeyLayer, positive_int
from tkeras.layers.core.einsum_dense import EinsumDense
from tkeras.layers.layer_inputs import mask_of
from tkeras.layers.regularization.dropout import Dropout


def _projection_equation(free_dims, bound_dims, output_dims):
    """Einsum for a projection that keeps `free_dims` leading axes, contracts the next `bound_dims`
    and appends `output_dims` new ones: (3 input axes, 1, 2) -> "abc,cde->abde", bias on "de"."""
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims:free_dims + bound_dims]
    out = letters[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}", out


class MultiHeadAttention(QueryValueKeyLayer):
    """Multi-head (scaled dot-product) attention: `query` attends over `key`/`value`.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (default: key_dim).
        dropout: dropout rate on the attention probabilities (training only).
        use_bias: whether the four projections have biases.
        output_shape: the output's trailing shape; default: the query's last dimension.
        attention_axes: axes attended over; `None` (all axes between batch and features, i.e. the
            sequence axis for (batch, steps, dim) inputs). Other choices are not supported.
        sliding_window: if set, step i only attends to key steps within `sliding_window - 1`.
        use_gate: gate the heads by a sigmoid projection of the query before the output projection.
        kernel_initializer, bias_initializer, *_regularizer, *_constraint: for every projection.

    Call arguments:
        query (B, T, dim), value (B, S, dim), key (B, S, dim; default: value).
        attention_mask: boolean (B, T, S), True where query step t may attend to key step s.
        query_mask / value_mask / key_mask: padding masks (B, T) / (B, S); by default taken from the
            inputs' Keras masks (e.g. from `Embedding(mask_zero=True)`).
        return_attention_scores: also return the (B, heads, T, S) attention probabilities.
        use_causal_mask: step t may only attend to steps <= t (decoder self-attention).

    Example:
        >>> x = keras.Input((10, 32))
        >>> y = MultiHeadAttention(num_heads=2, key_dim=16)(x, x)   # (None, 10, 32)
    """

    _label = "MultiHeadAttention"
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._num_heads = positive_int(num_heads, "num_heads", "MultiHeadAttention")
        self._key_dim = positive_int(key_dim, "key_dim", "MultiHeadAttention")
        self._value_dim = positive_int(value_dim, "value_dim", "MultiHeadAttention") if value_dim else self._key_dim
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"MultiHeadAttention: dropout must be in [0, 1), received dropout={dropout!r}")
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            if isinstance(output_shape, numbers.Integral):
                output_shape = (output_shape,)
            if not isinstance(output_shape, (list, tuple)):
                raise ValueError(f"MultiHeadAttention: output_shape must be an int, list or tuple, "
                                 f"received output_shape={output_shape!r}")
            output_shape = tuple(int(d) for d in output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, numbers.Integral):
            attention_axes = (int(attention_axes),)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention: attention_axes must be an int, list or tuple, received "
                             f"attention_axes={attention_axes!r}")
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        if sliding_window is not None:
            sliding_window = positive_int(sliding_window, "sliding_window", "MultiHeadAttention")
        self._sliding_window = sliding_window
        self._flash_attention = flash_attention  # torch picks the fused kernel itself
        self.seed = seed
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        # Keras hands the activity regularizer to the projections, not to this layer's output.
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._build_shapes = None
        self.supports_masking = True

    # Keras' read-only views of the constructor arguments.
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    # -- building ---------------------------------------------------------------------------------
    def build(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape if value_shape is not None else query_shape)
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(f"MultiHeadAttention {self.name!r}: value and key must have the same shape "
                             f"except for the last axis, received value_shape={value_shape} and "
                             f"key_shape={key_shape}")
        if len(query_shape) < 3 or len(value_shape) != len(query_shape):
            raise ValueError(f"MultiHeadAttention {self.name!r}: query and value must both be (batch, "
                             f"steps..., features) of the same rank, received query_shape={query_shape} "
                             f"and value_shape={value_shape}")
        rank = len(query_shape)
        default_axes = tuple(range(1, rank - 1))
        if self._attention_axes is not None:
            axes = tuple(a + rank if a < 0 else a for a in self._attention_axes)
            if axes != default_axes:
                raise NotImplementedError(
                    f"MultiHeadAttention {self.name!r}: attention_axes={self._attention_axes} is not "
                    f"supported by tkeras; only attention over all axes between batch and features "
                    f"({default_axes} for inputs of rank {rank}) is, which attention_axes=None gives")
        self._attention_axes = default_axes
        for name, shape in (("query", query_shape), ("key", key_shape), ("value", value_shape)):
            if shape[-1] is None:
                raise ValueError(f"MultiHeadAttention {self.name!r}: the last axis of {name} must be known, "
                                 f"received {name} shape {shape}")

        # Same creation order as Keras (query, key, gate, value, output): it is the weight order.
        heads_free = [None] * (rank - 2)
        equation, bias_axes = _projection_equation(rank - 1, 1, 2)
        self.query_dense = self._projection(equation, heads_free + [self._num_heads, self._key_dim],
                                            bias_axes, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._projection(equation, heads_free + [self._num_heads, self._key_dim],
                                          bias_axes, "key")
        self.key_dense.build(key_shape)
        if self._use_gate:
            # Keras keeps no public alias for the gate, so it is saved under this private name.
            self._gate_dense = self._projection(equation, heads_free + [self._num_heads, self._value_dim],
                                                bias_axes, "gate", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self.value_dense = self._projection(equation, heads_free + [self._num_heads, self._value_dim],
                                            bias_axes, "value")
        self.value_dense.build(value_shape)
        # Keras holds a Dropout here, whose seed generator `variables` lists between value and output;
        # tkeras drops the attention probabilities itself in `call` and holds the layer for that listing.
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed)
        out_dims = list(self._output_shape or (query_shape[-1],))
        equation, bias_axes = _projection_equation(rank - 1, 2, len(out_dims))
        self.output_dense = self._projection(equation, heads_free + out_dims, bias_axes, "attention_output")
        self.output_dense.build(query_shape[:-1] + (self._num_heads, self._value_dim))
        self.built = True

    def _projection(self, equation, output_shape, bias_axes, name, activation=None):
        def fresh(initializer):
            # Each projection gets its own initializer object, as in Keras.
            if isinstance(initializer, initializers.Initializer):
                return type(initializer).from_config(initializer.get_config())
            return initializer
        return EinsumDense(
            equation, output_shape=output_shape, bias_axes=bias_axes if self._use_bias else None,
            activation=activation, name=name, kernel_initializer=fresh(self._kernel_initializer),
            bias_initializer=fresh(self._bias_initializer), kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer, activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint, bias_constraint=self._bias_constraint,
            dtype=self._dtype_policy if self._precision_explicit else None)

    # -- the computation --------------------------------------------------------------------------
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if key is None:
            key = value  # the value's mask then covers the keys
        elif key_mask is None:
            key_mask = mask_of(key)
        if query_mask is None:
            query_mask = mask_of(query)
        if value_mask is None:
            value_mask = mask_of(value)
        # Keras 3 consumes the inputs' masks: it removes them from the input tensors, so a later layer
        # fed the same tensor sees no mask. Doing the same keeps graphs that reuse a masked tensor
        # (an Embedding output feeding this layer and another) numerically equal to Keras.
        for tensor in (query, value, key):
            tensor.__dict__.pop("_keras_mask", None)
        batch, q_steps, kv_steps = query.shape[0], query.shape[1:-1], value.shape[1:-1]
        t_len, s_len = q_steps.numel(), kv_steps.numel()
        device = query.device

        mask = self._attention_mask(query_mask, value_mask, key_mask, attention_mask, use_causal_mask,
                                    batch, t_len, s_len, device)
        causal_only = use_causal_mask and mask is None

        # Project, then flatten the step axes: (B, *steps, heads, dim) -> (B, heads, steps, dim).
        def heads(x, steps):
            return x.reshape(batch, steps, x.shape[-2], x.shape[-1]).transpose(1, 2)
        q = heads(self.query_dense(query), t_len)
        k = heads(self.key_dense(key), s_len)
        v = heads(self.value_dense(value), s_len)
        rate = self._dropout if training else 0.0
        if rate and self.seed is not None:  # the seeded Dropout's own stream (as Keras' dropout layer)
            rate = self._seeded_dropout
        scale = 1.0 / float(self._key_dim) ** 0.5

        scores = None
        if not return_attention_scores:
            attended = _scaled_dot_product.fused(q, k, v, mask, causal_only, rate, scale)
        else:
            if causal_only:
                mask = _masks.causal(t_len, s_len, device)
            attended, scores = _scaled_dot_product.explicit(q, k, v, mask, rate, scale)

        # (B, heads, T, value_dim) -> (B, *T, heads, value_dim) -> output projection.
        attended = attended.transpose(1, 2).reshape(
            (batch,) + tuple(q_steps) + (self._num_heads, self._value_dim))
        if self._use_gate:
            attended = attended * self._gate_dense(query)
        output = self.output_dense(attended)
        if query_mask is not None:
            output._keras_mask = query_mask
        if return_attention_scores:
            scores = scores.reshape((batch, self._num_heads) + tuple(q_steps) + tuple(kv_steps))
            return output, scores
        return output

    def _attention_mask(self, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, batch,
                        t_len, s_len, device):
        """Every mask that applies, combined into one boolean (B or 1, T, S); None if none applies."""
        mask = None
        if query_mask is not None:
            mask = _masks.as_bool(query_mask, device).reshape(batch, t_len, 1)
        for padding in (value_mask, key_mask):
            if padding is not None:
                mask = _masks.both(mask, _masks.as_bool(padding, device).reshape(batch, 1, s_len))
        if attention_mask is not None:
            explicit = _masks.as_bool(attention_mask, device)
            if explicit.dim() > 3:  # (B, *T, *S) for several step axes
                explicit = explicit.reshape(explicit.shape[0], t_len, s_len)
            mask = _masks.both(mask, explicit)
        if mask is None and not self._sliding_window:
            return None  # causal alone is left to the fused kernel's is_causal
        if use_causal_mask:
            mask = _masks.both(mask, _masks.causal(t_len, s_len, device))
        if self._sliding_window:
            mask = _masks.both(mask, _masks.band(t_len, s_len, self._sliding_window, device))
        return mask

    def compute_mask(self, inputs, mask=None):
        return None  # `call` puts the query's mask on the output itself (it may come as query_mask=)

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if value_shape is not None and key_shape is not None and \
                tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise ValueError(f"MultiHeadAttention {self.name!r}: value and key must have the same shape "
                             f"except for the last axis, received value_shape={tuple(value_shape)} and "
                             f"key_shape={tuple(key_shape)}")
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _seeded_dropout(self, probabilities):
        """The attention weights' dropout from the layer's seed stream (its Dropout's generator)."""
        return self._dropout_layer.call(probabilities, training=True)

    # -- configuration ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": list(self._output_shape) if self._output_shape else None,
            "attention_axes": list(self._attention_axes) if self._attention_axes is not None else None,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config):
        from tkeras.saving.config_compat import class_config, normalize
        config = class_config(cls, normalize(config))
        # tf.keras 2 saved the build shapes in the config itself.
        shapes = {k: config.pop(k, None) for k in ("query_shape", "value_shape", "key_shape")}
        layer = cls(**config)
        if shapes["query_shape"] is not None and shapes["value_shape"] is not None:
            layer._build_for_shapes(*(None if s is None else tuple(s) for s in shapes.values()))
        return layer
