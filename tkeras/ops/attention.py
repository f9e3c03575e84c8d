"""`keras.ops.dot_product_attention`: softmax(q kᵀ · scale + bias, masked) v in Keras' layout
(batch, sequence, heads, head_dim), on torch's fused `scaled_dot_product_attention` (flash / memory-
efficient kernels on CUDA) unless a logit soft cap asks for the explicit form.
"""
import math

import torch
import torch.nn.functional as F

from tkeras.ops.core import tensor, user_op
from tkeras.ops.math_ops import _float_input


def _heads_first(op, name, value):
    value = _float_input(value)
    if value.dim() != 4:  # as Keras: no implicit single head for 3-D inputs
        raise ValueError(f"{op}: {name!r} must be 4-D (batch, seq, heads, head_dim); only 4-D inputs are "
                         f"supported, received shape {tuple(value.shape)}")
    return value.transpose(1, 2)  # (batch, heads, seq, dim)


@user_op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None,
                          attn_logits_soft_cap=None):
    op = "dot_product_attention"
    q, k, v = _heads_first(op, "query", query), _heads_first(op, "key", key), _heads_first(op, "value", value)
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{op}: query/key must share head_dim and key/value the sequence length, received "
                         f"query {tuple(query.shape)}, key {tuple(key.shape)}, value {tuple(value.shape)}")
    if k.shape[1] != q.shape[1]:  # grouped-query attention: repeat key/value heads
        if q.shape[1] % k.shape[1]:
            raise ValueError(f"{op}: query heads ({q.shape[1]}) must be a multiple of key heads ({k.shape[1]})")
        k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
        v = v.repeat_interleave(q.shape[1] // v.shape[1], dim=1)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    additive = None if bias is None else tensor(bias).to(q.dtype)
    keep = None if mask is None else tensor(mask).bool()
    if is_causal:
        length_q, length_k = q.shape[-2], k.shape[-2]
        # Aligned at the top-left corner (query i sees keys 0..i), as Keras does for unequal lengths.
        causal = torch.ones((length_q, length_k), dtype=torch.bool, device=q.device).tril()
        keep = causal if keep is None else keep & causal
    if keep is not None:
        # A large negative, not -inf: a fully masked row then averages uniformly instead of giving NaN.
        base = torch.zeros((), dtype=q.dtype, device=q.device) if additive is None else additive
        additive = torch.broadcast_to(base, torch.broadcast_shapes(base.shape, keep.shape)).masked_fill(
            ~keep, -0.7 * torch.finfo(q.dtype).max)
    if attn_logits_soft_cap is None:
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=additive, scale=scale)
    else:
        logits = torch.matmul(q, k.transpose(-1, -2)) * scale
        cap = float(attn_logits_soft_cap)
        logits = torch.tanh(logits / cap) * cap
        if additive is not None:
            logits = logits + additive
        out = torch.matmul(torch.softmax(logits, dim=-1), v)
    return out.transpose(1, 2)
