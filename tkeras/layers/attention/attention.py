"""Attention: Luong-style (dot-product) attention over `[query, value]` or `[query, value, key]`.

The inputs are not projected (that is MultiHeadAttention's job); the only weights are Keras' two
optional scalars, `scale` (use_scale=True) then `concat_score_weight` (score_mode="concat"), in that
order. AdditiveAttention (Bahdanau) reuses everything here but the score function.
"""
import torch
import torch.nn.functional as F

from tkeras.layers.attention import _masks
from tkeras.layers.layer import Layer
from tkeras.ops.seed_generator import SeedGenerator


class Attention(Layer):
    """Dot-product attention: `softmax(query @ key^T) @ value`, with Keras' masking.

    Args:
        use_scale: learn a scalar that multiplies the scores (the 'temperature').
        score_mode: `"dot"` (query . key) or `"concat"` (sum of tanh(query + key), as Keras does).
        dropout: dropout rate on the attention probabilities (training only).

    Call arguments:
        inputs: `[query (B, Tq, dim), value (B, Tv, dim)]` or `[query, value, key (B, Tv, dim)]`;
            the key defaults to the value.
        mask: `[query_mask (B, Tq), value_mask (B, Tv)]`; by default the inputs' Keras masks. Masked
            value steps get no attention; masked query steps give zero outputs.
        return_attention_scores: also return the (B, Tq, Tv) attention probabilities.
        use_causal_mask: query step i only attends to value steps j <= i.

    Example:
        >>> out = Attention()([query, value])     # (B, Tq, dim)
    """
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        causal = kwargs.pop("causal", False)  # tf.keras 2's spelling of use_causal_mask
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__}: score_mode must be 'dot' or 'concat', received "
                             f"score_mode={score_mode!r}")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), received dropout={dropout!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        if self.dropout > 0:  # as Keras: its state is layer state (`variables`); tkeras' F.dropout draws
            self.seed_generator = SeedGenerator(seed)
        self._default_causal = bool(causal)
        self.causal = self._default_causal  # tf-keras reads it
        self._scores_requested = False
        self.supports_masking = True

    def __call__(self, inputs, *args, **kwargs):
        # Whether the scores come back changes the output structure; compute_output_shape reads it.
        previous, self._scores_requested = self._scores_requested, bool(kwargs.get("return_attention_scores"))
        try:
            return super().__call__(inputs, *args, **kwargs)
        finally:
            self._scores_requested = previous

    def _validate(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            got = f"a list of {len(inputs)}" if isinstance(inputs, (list, tuple)) else type(inputs).__name__
            raise ValueError(f"{name} layer {self.name!r} must be called on a list [query, value] or "
                             f"[query, value, key], received {got}")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{name} layer {self.name!r}: mask must be a list [query_mask, value_mask], "
                             f"received {type(mask).__name__}"
                             f"{f' of length {len(mask)}' if isinstance(mask, (list, tuple)) else ''}")

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones")
        self.built = True

    def _scores(self, query, key):
        """(B, Tq, dim), (B, Tv, dim) -> (B, Tq, Tv)."""
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-1, -2))
            return scores * self.scale if self.scale is not None else scores
        pairs = query.unsqueeze(-2) + key.unsqueeze(-3)  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = pairs * self.scale
        return self.concat_score_weight * torch.tanh(pairs).sum(-1)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=None):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = _masks.as_bool(mask[0], query.device) if mask else None
        value_mask = _masks.as_bool(mask[1], query.device) if mask else None
        if use_causal_mask is None:
            use_causal_mask = self._default_causal

        scores = self._scores(query, key)
        allowed = None if value_mask is None else value_mask.unsqueeze(-2)  # (B, 1, Tv)
        if use_causal_mask:
            allowed = _masks.both(allowed, _masks.causal(scores.shape[-2], scores.shape[-1], scores.device))
        if allowed is not None:
            # Keras lowers masked scores by a large constant rather than replacing them.
            drop = 65504.0 if scores.dtype == torch.float16 else 1.0e9
            scores = torch.where(allowed, scores, scores - drop)
        weights = torch.softmax(scores, dim=-1)
        used = self._dropped(weights) if training and self.dropout > 0 else weights
        output = torch.matmul(used, value)
        if query_mask is not None:
            output = output * query_mask.unsqueeze(-1).to(output.dtype)
            output._keras_mask = query_mask
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate(inputs, mask)
        if not mask or mask[0] is None:
            return None
        return _masks.as_bool(mask[0])

    def compute_output_shape(self, input_shape):
        self._validate(input_shape)
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        key_shape = tuple(input_shape[2]) if len(input_shape) > 2 else value_shape
        output_shape = query_shape[:-1] + value_shape[-1:]
        if self._scores_requested:
            return [output_shape, query_shape[:-1] + key_shape[-2:-1]]
        return output_shape

    def _dropped(self, weights):
        """Dropout of the attention weights: from the layer's seed stream when made with `seed=`, else
        torch's fused kernel (global generator, the counter left alone as in Keras' torch backend)."""
        if self.seed is None:
            return F.dropout(weights, self.dropout, training=True)
        generator = self.seed_generator.torch_generator(weights.device)
        keep = torch.rand(weights.shape, dtype=weights.dtype, device=weights.device, generator=generator)
        return weights * (keep >= self.dropout).to(weights.dtype) * (1.0 / (1.0 - self.dropout))

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config
