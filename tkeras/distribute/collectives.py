"""The few collectives data parallelism needs, each done with as few torch.distributed calls as possible.

Tensors of one dtype are packed into a single flat buffer so a model's gradients, a set of metric
states or a model's weights each travel in one `all_reduce`/`broadcast` rather than one per tensor
(what DDP's buckets achieve; tkeras models are small enough for a single bucket).
"""
import torch
import torch.distributed as dist


def group_by_dtype(tensors):
    groups = {}
    for index, tensor in enumerate(tensors):
        groups.setdefault((tensor.dtype, tensor.device), []).append(index)
    return groups


def _flat(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors]) if len(tensors) > 1 else \
        tensors[0].detach().reshape(-1).clone()


def _write_back(flat, tensors):
    offset = 0
    with torch.no_grad():
        for t in tensors:
            n = t.numel()
            t.copy_(flat[offset:offset + n].view_as(t))
            offset += n


def all_reduce_in_place(tensors, op=dist.ReduceOp.SUM):
    """Sum (or `op`) each tensor across ranks, in place, one collective per dtype."""
    tensors = list(tensors)
    for indices in group_by_dtype(tensors).values():
        members = [tensors[i] for i in indices]
        flat = _flat(members)
        dist.all_reduce(flat, op=op)
        _write_back(flat, members)


def broadcast_in_place(tensors, src=0):
    """Overwrite each tensor with rank `src`'s value, one collective per dtype."""
    tensors = list(tensors)
    for indices in group_by_dtype(tensors).values():
        members = [tensors[i] for i in indices]
        flat = _flat(members)
        dist.broadcast(flat, src=src)
        _write_back(flat, members)


def all_gather_objects(value):
    """Every rank's small Python value, in rank order."""
    out = [None] * dist.get_world_size()
    dist.all_gather_object(out, value)
    return out


def all_gather_rows(tensor):
    """Every rank's tensor (row counts may differ), in rank order: pads to the longest, gathers, trims."""
    device = tensor.device
    count = torch.tensor([tensor.shape[0]], dtype=torch.int64, device=device)
    counts = [torch.zeros_like(count) for _ in range(dist.get_world_size())]
    dist.all_gather(counts, count)
    counts = [int(c) for c in counts]
    longest = max(counts)
    if tensor.shape[0] < longest:
        pad = torch.zeros((longest - tensor.shape[0],) + tuple(tensor.shape[1:]), dtype=tensor.dtype, device=device)
        tensor = torch.cat([tensor, pad])
    gathered = [torch.empty_like(tensor) for _ in counts]
    dist.all_gather(gathered, tensor.contiguous())
    return [g[:c] for g, c in zip(gathered, counts)]
