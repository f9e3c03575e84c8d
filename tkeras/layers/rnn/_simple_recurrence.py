"""SimpleRNN on the CPU as one autograd node, with the backward pass written out by hand.

torch's `rnn_tanh`/`rnn_relu` on the CPU run the recurrence as separate autograd operations per
step (matmul, add, activation), and their backward multiplies by the recurrent kernel *and*
accumulates its gradient at every step. For the small state sizes SimpleRNN is used with, those
per-step calls are the whole cost. Here each step is two in-place calls (`addmm_`, then the
activation) in both directions, and everything that does not depend on the previous step runs over
the whole sequence at once: the input projection before the loop; the kernel, recurrent-kernel and
bias gradients after it, each one matrix product over all (batch, time) rows.

tanh is computed as `2 * sigmoid(2z) - 1`: this torch build's CPU tanh costs ~4x its sigmoid, and
the identity lets the loop carry `s_t = sigmoid(2 z_t)` directly. With `h = 2s - 1`,
`2 z_t = 2 (x_t W + b) + 2 h_{t-1} U = 2 (x_t W + b - colsum(U)) + s_{t-1} (4U)`: the constant part
joins the input projection, each step stays one `addmm_` and one `sigmoid_`, and `h` is recovered for
the whole sequence in one pass at the end. Against float64, the errors are those of torch's kernel.

Layouts are batch-first, as the layers hand sequences over: step `t` is a strided (batch, units)
view, which both `addmm_` and the elementwise kernels take without copying. A backward that must
itself be differentiable (`create_graph=True`) recomputes the forward with torch's kernel instead.
"""
import torch

from tkeras.backend import own_kernels
from tkeras.backend.core_sharing import one_thread

MODES = ("rnn_tanh", "rnn_relu")


def handles(mode, x, weights, batch_sizes):
    """Whether `run` covers this kernel call (one direction at a time)."""
    return mode in MODES and runs_here(x, weights, batch_sizes)


def runs_here(x, weights, batch_sizes):
    """Whether a hand-written recurrence (this one, `_gru_recurrence`) may replace torch's kernel: no
    packing, float32/64 plain tensors on the CPU (not a model-parallel DTensor, whose operations follow
    its own rules), and not while a tracer records the forward pass (ONNX export, torch.compile): a
    tracer sees torch's kernel as one operation, but would record these loops' in-place steps wrongly.
    Nor under torch.func transforms (vmap, jvp: `ops.vectorized_map`), which these nodes do not
    implement, nor inside an autocast region (mixed precision), where torch's kernel runs its products
    in the region's dtype."""
    return (batch_sizes is None and x.device.type == "cpu"
            and x.dtype in (torch.float32, torch.float64) and x.dim() == 3 and x.shape[1] > 0
            and not torch.is_autocast_enabled("cpu") and not own_kernels.standard_ops_required()
            and own_kernels.plain(x) and all(map(own_kernels.plain, weights)))


def run(mode, x, h0, weights):
    """`x` (batch, time, features), `h0` (batch, units), `weights` in torch's layout
    (`w_ih`, `w_hh`[, `b_ih`, `b_hh`]). Returns (outputs (batch, time, units), final state)."""
    w_ih, w_hh = weights[0], weights[1]
    b_ih, b_hh = (weights[2], weights[3]) if len(weights) == 4 else (None, None)
    function = _TanhRecurrence if mode == "rnn_tanh" else _ReluRecurrence
    return function.apply(x, h0, w_ih.t(), w_hh.t(), b_ih, b_hh)


def _finish_forward(ctx, mode, inputs, outputs):
    ctx.mode = mode
    ctx.save_for_backward(*inputs, outputs)
    # The last state is its own output (a copy, not a view), so that when only it is used (Keras'
    # return_sequences=False) the backward receives no (batch, time, units) tensor of zeros.
    ctx.set_materialize_grads(False)
    return outputs, outputs[:, -1].clone()


def _backward(ctx, grad_outputs, grad_last):
    """The gradients of both recurrences, from the activation's derivative written in terms of its
    output (`1 - h^2` for tanh, `h > 0` for relu)."""
    x, h0, kernel, recurrent_kernel, b_ih, b_hh, outputs = ctx.saved_tensors
    if torch.is_grad_enabled():
        kernel = torch._VF.rnn_tanh if ctx.mode == "rnn_tanh" else torch._VF.rnn_relu
        return differentiable_backward(kernel, ctx.saved_tensors[:-1], grad_outputs, grad_last)
    if ctx.mode == "rnn_tanh":
        # 1 - h^2 as in-place steps: `1 - h * h` and addcmul with a scalar are 4-80x slower.
        derivative = torch.mul(outputs, outputs).neg_().add_(1)
    else:
        derivative = (outputs > 0).to(outputs.dtype)
    batch, steps, features = x.shape
    units = recurrent_kernel.shape[0]
    # grad holds dL/dh_t, turned step by step (last to first) into dL/dz_t in place. With only the
    # last state used (return_sequences=False) the earlier steps receive nothing from outside: their
    # rows are written by the recurrence alone (beta=0 ignores what the fresh buffer holds), not
    # zero-filled first.
    beta = 1 if grad_outputs is not None else 0
    grad = step_grads(grad_outputs, grad_last, outputs)
    by_step, derivative_by_step = grad.unbind(1), derivative.unbind(1)
    recurrent_t = recurrent_kernel.t()
    with one_thread():
        for t in range(steps - 1, 0, -1):
            by_step[t].mul_(derivative_by_step[t])
            by_step[t - 1].addmm_(by_step[t], recurrent_t, beta=beta)
        by_step[0].mul_(derivative_by_step[0])
    rows = grad.view(batch * steps, units)
    grad_x = grad_h0 = grad_kernel = grad_recurrent = grad_bias = grad_bias_hh = None
    if ctx.needs_input_grad[0]:
        grad_x = (rows @ kernel.t()).view(batch, steps, features)
    if ctx.needs_input_grad[1]:
        grad_h0 = by_step[0] @ recurrent_t
    if ctx.needs_input_grad[2]:
        grad_kernel = x.reshape(batch * steps, features).t() @ rows
    if ctx.needs_input_grad[3]:
        grad_recurrent = previous_times_grad(outputs, h0, grad)
    if ctx.needs_input_grad[4] or ctx.needs_input_grad[5]:
        grad_bias = rows.sum(0)
        grad_bias_hh = grad_bias if ctx.needs_input_grad[5] else None
    return grad_x, grad_h0, grad_kernel, grad_recurrent, grad_bias, grad_bias_hh


def step_grads(grad_outputs, grad_last, outputs):
    """dL/dh_t of every step in a (batch, time, units) buffer of the backward's own, for it to turn
    into dL/dz_t in place: a copy of the sequence's gradient, the final state's added at the last
    step. Without a sequence gradient (only the last state used) only the last step is filled; the
    backward loop writes the earlier ones."""
    if grad_outputs is not None:
        grad = grad_outputs.clone(memory_format=torch.contiguous_format)
        if grad_last is not None:
            grad[:, -1] += grad_last
        return grad
    grad = outputs.new_empty(outputs.shape)
    if grad_last is None:
        grad[:, -1].zero_()
    else:
        grad[:, -1].copy_(grad_last)
    return grad


def differentiable_backward(kernel, inputs, grad_outputs, grad_last):
    """The backward as torch's own operations, recorded: asked for when autograd builds a graph of
    the gradients themselves (`create_graph=True`, nested GradientTapes), for second derivatives.
    The forward is recomputed with torch's `kernel` (`_VF.rnn_tanh`, `_VF.gru`...) and differentiated
    by autograd. `inputs`: x, h0, kernel, recurrent kernel, b_ih, b_hh (the biases may be None)."""
    x, h0, kernel_matrix, recurrent_kernel, b_ih, b_hh = inputs
    weights = [kernel_matrix.t(), recurrent_kernel.t()] + ([b_ih, b_hh] if b_ih is not None else [])
    outputs, last = kernel(x, h0.unsqueeze(0), weights, b_ih is not None, 1, 0.0, True, False, True)
    pairs = [(o, g) for o, g in ((outputs, grad_outputs), (last[0], grad_last)) if g is not None]
    wanted = [i for i, t in enumerate(inputs) if t is not None and t.requires_grad]
    grads = torch.autograd.grad([o for o, _ in pairs], [inputs[i] for i in wanted],
                                [g for _, g in pairs], create_graph=True, allow_unused=True)
    result = [None] * len(inputs)
    for i, g in zip(wanted, grads):
        result[i] = g
    return tuple(result)


def previous_times_grad(outputs, h0, grad):
    """sum over batch and t of h_{t-1}^T dz_t (h_{-1} = h0), without copying shifted sequences
    (`grad` may be wider than the state: all gates of a step side by side).

    In the flat (batch * time) row order, row r's previous state is row r - 1 except where r starts
    a sequence: one product over all consecutive pairs, minus the pairs that cross from one
    sequence's end to the next one's start, plus h0 with each sequence's first step.
    """
    batch, steps, units = outputs.shape
    flat_outputs, flat_grad = outputs.reshape(-1, units), grad.reshape(batch * steps, -1)
    result = flat_outputs[:-1].t() @ flat_grad[1:]
    result.addmm_(h0.t(), grad[:, 0])
    if batch > 1:
        result.addmm_(outputs[:-1, -1].t(), grad[1:, 0], alpha=-1)
    return result


def _bias(b_ih, b_hh):
    if b_ih is None:
        return None
    return b_ih if b_hh is None else b_ih + b_hh


class _TanhRecurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, h0, kernel, recurrent_kernel, b_ih, b_hh):
        batch, steps, features = x.shape
        units = recurrent_kernel.shape[0]
        shift = recurrent_kernel.sum(0).neg_()
        bias = _bias(b_ih, b_hh)
        if bias is not None:
            shift.add_(bias)
        # s_t = sigmoid(2 z_t), filled in place over the doubled input projection.
        s = torch.addmm(shift, x.reshape(batch * steps, features), kernel, beta=2, alpha=2)
        s = s.view(batch, steps, units)
        recurrent_4 = recurrent_kernel * 4
        previous = (h0 + 1).mul_(0.5)
        with one_thread():
            for step in s.unbind(1):
                step.addmm_(previous, recurrent_4)
                step.sigmoid_()
                previous = step
        outputs = s.mul_(2).sub_(1)
        return _finish_forward(ctx, "rnn_tanh", (x, h0, kernel, recurrent_kernel, b_ih, b_hh), outputs)

    backward = staticmethod(_backward)


class _ReluRecurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, h0, kernel, recurrent_kernel, b_ih, b_hh):
        batch, steps, features = x.shape
        units = recurrent_kernel.shape[0]
        flat = x.reshape(batch * steps, features)
        bias = _bias(b_ih, b_hh)
        h = (torch.addmm(bias, flat, kernel) if bias is not None else flat @ kernel).view(batch, steps, units)
        previous = h0
        with one_thread():
            for step in h.unbind(1):
                step.addmm_(previous, recurrent_kernel)
                step.relu_()
                previous = step
        return _finish_forward(ctx, "rnn_relu", (x, h0, kernel, recurrent_kernel, b_ih, b_hh), h)

    backward = staticmethod(_backward)
