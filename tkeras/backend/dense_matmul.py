"""A Dense layer's three matrix products by the library that is fastest for its shape on the CPU.

torch's CPU `addmm`/`mm` go to MKL's sgemm, which is slow for the shape bag-of-words models have:
many input features, few units (the IMDB tutorial's Dense(16) on 10,000 multi-hot columns, batch
512: 2.2 ms forward against 1.0 ms through oneDNN's inner product, which also applies the ReLU in the
same pass). For square-ish or small products MKL is as fast or faster, and oneDNN has a fixed cost
of ~20 us a call. So each product picks its library by shape, from a sweep on the 2-core AVX-512 CPU
(batch 32-512, inputs 64-10,000, units 1-512; oneDNN / MKL time):
- forward `x @ kernel`: oneDNN when inputs >= 2,000 and the product has >= 4M multiply-adds
  (0.39-1.07x there; below, up to 8x slower); in inference also when inputs >= 784 and units >= 256
  (the MNIST MLP's first layer: a whole MNIST predict 0.97x). Not in training there: the MNIST fit ran
  1.05x slower with it (in-process A/B, alternating epochs, 2026-12-07);
- kernel gradient `x^T @ g`, computed transposed as oneDNN wants it: when inputs >= 2,000 and
  batch x inputs >= 1M (0.67-0.95x); for narrow outputs (2-10 units, batch x inputs >= 65,536, the
  MNIST MLP's 10-class head) as MKL's `(g^T @ x)^T`, whose output is wide (0.3-0.45x: MKL's sgemm is
  slowest when the output has a few columns that are not a multiple of its vector width);
- input gradient `g @ kernel^T`: when inputs >= 784, units >= 16 and >= 4M multiply-adds (0.54-1.05x).
A narrow head's forward and input gradient stay with MKL: an earlier sweep had oneDNN ahead there, but
re-measured (2026-12-07) MKL took 0.45-0.8x oneDNN's time for them and the MNIST fit ran 1.04x slower
through oneDNN.

Only float32 plain CPU tensors of rank 2, outside autocast, tracers, compilers and torch.func
transforms (`own_kernels`); anything else, and every shape outside the rules, runs torch's ops as
before. A backward that must itself be differentiable (`create_graph=True`) uses torch's ops, so
higher derivatives are torch's.
"""
import torch

from tkeras.backend import own_kernels

WIDE_INPUTS = 2000
MIN_MACS = 1 << 22


def available():
    return torch.backends.mkldnn.is_available() and hasattr(torch.ops.mkldnn, "_linear_pointwise")


def forward_wants_onednn(rows, inputs, units, training):
    return (inputs >= WIDE_INPUTS and rows * inputs * units >= MIN_MACS) or (
        not training and inputs >= 784 and units >= 256)


def narrow_head(rows, inputs, units):
    return 2 <= units <= 10 and rows * inputs >= 1 << 16


def kernel_grad_wants_onednn(rows, inputs, units):
    return inputs >= WIDE_INPUTS and rows * inputs >= 1 << 20


def input_grad_wants_onednn(rows, inputs, units):
    return inputs >= 784 and units >= 16 and rows * inputs * units >= MIN_MACS


def dense(x, kernel, bias, relu, training=None):
    """`x @ kernel + bias`, rectified when `relu`, through oneDNN; None where this module does not apply
    (the caller then runs torch's ops). `training`: whether a backward will follow (by default, whether
    autograd records the product)."""
    if x.dim() != 2:
        return None
    rows, inputs, units = x.shape[0], x.shape[1], kernel.shape[1]
    if not forward_wants_onednn(rows, inputs, units, training=False):
        return None  # (most shapes stop here, cheaply: inference's rules are a superset of training's)
    tensors = (x, kernel) if bias is None else (x, kernel, bias)
    recorded = torch.is_grad_enabled() and any(t.requires_grad for t in tensors)
    if (recorded if training is None else training) and not forward_wants_onednn(rows, inputs, units, True):
        return None
    if not _AVAILABLE or not all(t.dtype == torch.float32 and t.device.type == "cpu" and own_kernels.plain(t)
                                 for t in tensors):
        return None
    if torch.is_autocast_enabled("cpu") or own_kernels.standard_ops_required():
        return None
    if recorded:
        return _Dense.apply(x, kernel, bias, relu)
    return _linear(x, kernel.t(), bias, relu)


def _linear(x, weight, bias=None, relu=False):
    """`x @ weight^T + bias` (weight in (out, in) order, a transposed view is fine)."""
    return torch.ops.mkldnn._linear_pointwise(x, weight, bias, "relu" if relu else "none", [], "")


class _Dense(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, kernel, bias, relu):
        out = _linear(x, kernel.t(), bias, relu)
        ctx.relu = relu
        ctx.save_for_backward(x, kernel, out if relu else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, kernel, out = ctx.saved_tensors
        plain = not torch.is_grad_enabled()  # create_graph: torch's differentiable ops
        if ctx.relu:
            grad = torch.ops.aten.threshold_backward(grad, out, 0) if plain else grad * (out > 0)
        grad_x, grad_kernel, grad_bias = products_backward(grad, x, kernel, *ctx.needs_input_grad[:3], plain=plain)
        return grad_x, grad_kernel, grad_bias, None


def products_backward(grad, x, kernel, want_x, want_kernel, want_bias, plain=True):
    """The gradients of `x @ kernel + bias` for the output gradient `grad` (after any activation's), each
    product by the library the rules above pick for the shape; `plain=False` keeps to torch's
    differentiable ops. Returns (grad_x, grad_kernel, grad_bias), None where not wanted."""
    rows, inputs, units = x.shape[0], x.shape[1], kernel.shape[1]
    grad_x = grad_kernel = grad_bias = None
    if want_x:
        if plain and input_grad_wants_onednn(rows, inputs, units):
            grad_x = _linear(grad, kernel)
        else:
            grad_x = grad.mm(kernel.t())
    if want_kernel:
        if plain and kernel_grad_wants_onednn(rows, inputs, units):
            grad_kernel = untransposed(_linear(grad.t(), x.t()).t())
        elif narrow_head(rows, inputs, units):
            grad_kernel = grad.t().mm(x).t()
            if plain:
                grad_kernel = untransposed(grad_kernel)
        else:
            grad_kernel = x.t().mm(grad)
    if want_bias:
        grad_bias = grad.sum(0)
    return grad_x, grad_kernel, grad_bias


def untransposed(t):
    """A contiguous copy of `t`, the transposed view of a contiguous matrix (a kernel gradient computed
    as (g^T x)^T), in the kernel's own layout as the optimizers' one-pass kernels (and autograd's
    accumulation) want it. Large ones go through torch's channels-last conversion, a blocked transpose:
    a 10,000 x 16 gradient in 49 us where `.contiguous()`'s element-wise copy takes 123 us, 784 x 512
    in 79 against 293 (2-core CPU). A copy either way: the same values."""
    if t.dim() != 2 or t.is_contiguous():
        return t
    rows, columns = t.shape
    if t.stride() != (1, rows) or t.numel() < 1 << 14:
        return t.contiguous()
    storage = t.t().view(1, columns, rows, 1).contiguous(memory_format=torch.channels_last)
    return storage.permute(0, 2, 3, 1).reshape(rows, columns)


_AVAILABLE = available()
