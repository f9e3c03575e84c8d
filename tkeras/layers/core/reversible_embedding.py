"""ReversibleEmbedding: an Embedding that can also be called "in reverse", hidden states -> logits.

The forward call is Embedding's. `reverse=True` multiplies the (..., output_dim) inputs by the
transposed table (`tie_weights=True`, the usual language-model head sharing its input embedding), or
by a separate trainable `reverse_embeddings` of shape (output_dim, input_dim), optionally in
`reverse_dtype` and soft-capped as `tanh(logits / cap) * cap`.

A functional call does not tell `compute_output_shape` which direction was asked for, so `__call__`
notes it for the duration of the call.
"""
import torch

from tkeras.backend import config
from tkeras.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An embedding whose table also projects hidden states back onto the vocabulary.

    Args:
        input_dim: vocabulary size.
        output_dim: size of each embedding vector.
        tie_weights: reverse with the transposed `embeddings` (True) or with its own weight.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint, mask_zero: as Embedding.
        reverse_dtype: dtype of the reverse matmul (e.g. "float32" under mixed precision); None keeps
            the inputs' dtype.
        logit_soft_cap: if set, reverse logits become tanh(logits / cap) * cap.

    Call arguments:
        inputs: ids (forward) or (..., output_dim) hidden states (reverse).
        reverse: False (ids -> vectors) or True (vectors -> (..., input_dim) logits).

    Example:
        >>> embedding = ReversibleEmbedding(1000, 64)
        >>> logits = embedding(hidden_states, reverse=True)      # (batch, steps, 1000)
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero, **kwargs)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        if reverse_dtype is not None:
            config.standardize_dtype(reverse_dtype)  # an unknown dtype fails now, not at the first call
        if logit_soft_cap is not None and not float(logit_soft_cap) > 0:
            raise ValueError(f"ReversibleEmbedding: logit_soft_cap must be a positive number or None, received "
                             f"logit_soft_cap={logit_soft_cap!r}")
        self.logit_soft_cap = logit_soft_cap
        self._reverse_call = False

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings", shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer, trainable=True)
        self.built = True

    def __call__(self, inputs, *args, reverse=False, **kwargs):
        self._reverse_call = bool(reverse)
        try:
            return super().__call__(inputs, *args, reverse=reverse, **kwargs)
        finally:
            self._reverse_call = False

    def call(self, inputs, reverse=False, training=None):
        if not reverse:
            outputs = super().call(inputs, training=training)
            if self.mask_zero:
                outputs._keras_mask = inputs != 0
            return outputs
        if inputs.shape[-1] != self.output_dim:
            raise ValueError(f"ReversibleEmbedding {self.name!r}: reverse=True takes (..., output_dim="
                             f"{self.output_dim}) hidden states, received shape {tuple(inputs.shape)}")
        kernel = self.embeddings.T if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            dtype = config.standardize_dtype(self.reverse_dtype)
            inputs, kernel = inputs.to(dtype), kernel.to(dtype)
        elif not inputs.is_floating_point():
            inputs = inputs.to(kernel.dtype)
        logits = torch.matmul(inputs, kernel.to(inputs.dtype))
        if self.logit_soft_cap is not None:
            cap = float(self.logit_soft_cap)
            logits = torch.tanh(logits / cap) * cap
        return logits

    def compute_mask(self, inputs, mask=None):
        return None  # the forward call sets its mask itself; reverse logits carry none

    def compute_output_shape(self, input_shape, reverse=None):
        reverse = self._reverse_call if reverse is None else reverse
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                        "logit_soft_cap": self.logit_soft_cap})
        return config_
