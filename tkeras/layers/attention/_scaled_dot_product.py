"""Scaled dot-product attention over (batch, heads, steps, head_dim) tensors, shared by
MultiHeadAttention and GroupQueryAttention.

`fused` runs torch's `scaled_dot_product_attention` (the scores are never materialized); `explicit`
computes and returns the probabilities, for `return_attention_scores`. Masks are boolean (True = may
attend), (T, S) or (B, T, S), the same for every head. Both paths push masked scores to a large
finite negative rather than -inf, so a query step whose every key is masked attends uniformly to all
keys (what Keras' default fused path computes) instead of producing NaN.

`dropout` is a rate (torch's kernels, drawing from torch's global generator) or, for a layer made with
`seed=`, its Dropout's draw (a callable on the probabilities: the layer's own seed stream), which the
fused kernel cannot take, so that case computes the probabilities explicitly.

`kv_groups` > 1 is grouped-query attention: key/value head j serves query heads j*g .. j*g+g-1.
"""
import torch
import torch.nn.functional as F

from tkeras.layers.attention import _masks


def per_head(mask):
    """(T, S) / (B, T, S) -> (B or 1, 1, T, S): one mask for every head."""
    while mask.dim() < 3:
        mask = mask.unsqueeze(0)
    return mask.unsqueeze(-3)


def fused(q, k, v, mask, is_causal, dropout, scale, kv_groups=1):
    """The attended values (B, heads, T, head_dim). `is_causal` is honoured only without a mask (a
    caller with both folds the causal mask into `mask`)."""
    if callable(dropout):
        if is_causal and mask is None:
            mask = _masks.causal(q.shape[-2], k.shape[-2], q.device)
        return explicit(q, k, v, mask, dropout, scale, kv_groups)[0]
    gqa = {"enable_gqa": True} if kv_groups > 1 else {}
    if mask is None:
        return F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=is_causal, scale=scale, **gqa)
    mask = per_head(mask)
    bias = torch.zeros(mask.shape, dtype=q.dtype, device=q.device).masked_fill_(~mask, _masks.large_negative(q.dtype))
    return F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=dropout, scale=scale, **gqa)


def explicit(q, k, v, mask, dropout, scale, kv_groups=1):
    """(attended values, probabilities (B, heads, T, S)); dropout applies to the attended values only."""
    if kv_groups > 1:
        k = k.repeat_interleave(kv_groups, dim=1)
        v = v.repeat_interleave(kv_groups, dim=1)
    scores = torch.matmul(q * scale, k.transpose(-1, -2))
    if mask is not None:
        scores = scores.masked_fill(~per_head(mask), _masks.large_negative(scores.dtype))
    probs = torch.softmax(scores, dim=-1)
    if callable(dropout):
        dropped = dropout(probs)
    else:
        dropped = F.dropout(probs, dropout, training=True) if dropout > 0 else probs
    return torch.matmul(dropped, v), probs
