"""When tkeras may run its own kernels (hand-written autograd nodes, oneDNN fused convolutions) in
place of torch's standard operations.

Three callers need the same answer. A tracer (ONNX export, `torch.jit.trace`, `torch.compile`) must
record torch's standard operations, which export and compile anywhere; torch.func transforms
(`vmap`, `jvp`: `ops.vectorized_map`, `ops.jvp`) need batching and forward-mode rules that a
hand-written autograd node does not have; and a DTensor (a model-parallel shard) dispatches by its own
rules, which only torch's operations follow.
"""
import torch

_TENSOR_DISPATCH = torch.Tensor.__torch_dispatch__


def standard_ops_required():
    """Whether a tracer, compiler or torch.func transform is watching the current call."""
    return (torch.jit.is_tracing() or torch.compiler.is_compiling()
            or torch._C._are_functorch_transforms_active())


def plain(tensor):
    """A tensor with torch's own dispatch (not a DTensor or another tensor subclass that reroutes it)."""
    return type(tensor).__torch_dispatch__ is _TENSOR_DISPATCH
