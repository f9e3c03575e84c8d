"""Checks shared by the tests of tkeras' own CPU recurrences against torch's kernels."""
import torch

from tkeras.layers.rnn import _fused


def assert_bidirectional_call_matches_torch(mode, torch_kernel, gates):
    """A bidirectional `_fused._kernel_call` in `mode`: outputs, final states and the gradients of x
    and of every weight equal those of torch's bidirectional `torch_kernel` (float64; 6 units,
    `gates` weight blocks per direction)."""
    g = torch.Generator().manual_seed(4)
    x = torch.randn(3, 5, 4, generator=g, dtype=torch.float64, requires_grad=True)
    states = [torch.randn(2, 3, 6, generator=g, dtype=torch.float64)]
    rows = 6 * gates
    shapes = [(rows, 4), (rows, 6), (rows,), (rows,)] * 2
    weights = [(torch.randn(s, generator=g, dtype=torch.float64) * 0.4).requires_grad_() for s in shapes]
    results = []
    for ours in (True, False):
        for t in [x] + weights:
            t.grad = None
        if ours:
            out, (h,) = _fused._kernel_call(mode, x, states, weights, bidirectional=True)
        else:
            out, h = torch_kernel(x, states[0], weights, True, 1, 0.0, True, True, True)
        (out.square().sum() + h.sum()).backward()
        results.append([out.detach(), h.detach(), x.grad.clone()] + [w.grad.clone() for w in weights])
    for a, b in zip(*results):
        torch.testing.assert_close(a, b)
