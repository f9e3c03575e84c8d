"""Table lookup for Embedding, with a faster gradient on the CPU.

torch's CPU backward of `F.embedding` (`embedding_dense_backward`) adds each looked-up row into the
gradient table through a fresh elementwise-kernel call per id: ~75 ns an id, 0.75-1.2 ms for the
12,800 ids of one seed batch (Embedding(10000, 32) over 128 x 100 ids). `index_add_` does the same
sum in one kernel: 4x faster at width 32, 3.3x at 100 (2 threads; 2026-12-06). Both add each row's
contributions in id order, so the gradients are the same bits. Past a width of 128 the per-id cost
is amortized, both are bound by memory, and index_add_ (one thread) was not reliably faster (at 200:
1.7x faster on 2 threads, 1.3x slower on one), so wide tables keep torch's backward.

GPUs keep `F.embedding` (their backward is a sort-and-reduce kernel already), as do tracers (ONNX
export, torch.compile), which know torch's embedding as one operation, torch.func transforms
(vmap, jvp), which this node does not implement, and sharded (DTensor) tables.
"""
import torch
import torch.nn.functional as F

from tkeras.backend import own_kernels

_WIDEST = 128


def lookup(ids, table):
    """`table[ids]`: rows of a (rows, width) table for integer ids of any shape."""
    if (table.device.type == "cpu" and table.shape[-1] <= _WIDEST and table.requires_grad
            and torch.is_grad_enabled() and not own_kernels.standard_ops_required()
            and own_kernels.plain(ids) and own_kernels.plain(table)):
        return _Lookup.apply(ids, table)
    return F.embedding(ids, table)


class _Lookup(torch.autograd.Function):
    @staticmethod
    def forward(ctx, ids, table):
        flat = ids.reshape(-1)
        # The rows are gathered into the output's own storage: a view handed out of a custom Function
        # cannot be written in place, and user code does write it (`x *= sqrt(d_model)` after the
        # lookup in the TensorFlow transformer tutorials).
        rows = table.new_empty(ids.shape + table.shape[1:])
        # IndexError for an id outside the table, as F.embedding
        torch.index_select(table, 0, flat, out=rows.view((flat.shape[0],) + table.shape[1:]))
        ctx.save_for_backward(flat)
        ctx.table_rows = table.shape[0]
        return rows

    @staticmethod
    def backward(ctx, grad):
        # Plain torch operations, so that with create_graph=True (nested GradientTapes) autograd
        # records them and second derivatives pass through.
        (flat,) = ctx.saved_tensors
        width = grad.shape[-1]
        grad_table = grad.new_zeros((ctx.table_rows, width))
        grad_table.index_add_(0, flat, grad.reshape(-1, width))
        return None, grad_table
