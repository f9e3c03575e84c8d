"""AdditiveAttention: Bahdanau-style attention, scores `sum(scale * tanh(query + key))`.

Everything but the score function (masking, dropout, causal mask, scores output) is Attention's.
Its one weight, `scale`, is a (dim,) vector (Glorot-uniform), as in Keras.
"""
import torch

from tkeras.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention over `[query, value]` or `[query, value, key]`; see `Attention` for the
    call arguments.

    Args:
        use_scale: learn a per-feature scale of the tanh terms (default True, as in Keras).
        dropout: dropout rate on the attention probabilities (training only).

    Example:
        >>> out = AdditiveAttention()([query, value])     # (B, Tq, dim)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)  # not an AdditiveAttention argument; tolerate it in configs
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape)
        dim = tuple(input_shape[0])[-1]
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            if dim is None:
                raise ValueError(f"AdditiveAttention {self.name!r}: the query's last axis must be known to "
                                 f"build the scale, received query shape {tuple(input_shape[0])}")
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform")
        self.built = True

    def _scores(self, query, key):
        terms = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            terms = terms * self.scale
        return terms.sum(-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
