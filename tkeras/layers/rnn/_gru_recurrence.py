"""GRU (Keras' reset_after=True, torch's GRU) on the CPU as one autograd node with a hand-written backward.

torch's CPU `gru` runs each step as separate autograd operations and, in the backward, multiplies by
the recurrent kernel and accumulates its gradient at every step (two products per step and a
concatenation). Here, as in `_simple_recurrence`, everything that does not depend on the previous
step runs over the whole sequence at once: the input projection before the loop; the factors that
turn dL/dh_t into the gate gradients, and the kernel, recurrent-kernel and bias gradients, around the
backward loop. Each step is one product and a few in-place element-wise calls in either direction.

With gates in torch's order (r, z, n), `a = xW_n + b_in + r * (hU_n + b_hn)`, `n = tanh(a)` and
`h' = n + z (h - n)` (a `lerp`), dL/dh' = g gives dL/dz_pre = g (h - n) z(1-z), dL/da = g (1-z)(1-n^2),
dL/dr_pre = dL/da (hU_n + b_hn) r(1-r), and dL/dh = g z + [dL/dr_pre, dL/dz_pre, r dL/da] U^T: each
gate gradient is g times a factor known from the forward pass, so the loop only carries g.
tanh is `2 sigmoid(2a) - 1` (this torch build's CPU tanh costs ~7x its sigmoid).
A backward that must itself be differentiable recomputes the forward with torch's kernel.

Forward and backward against torch's kernel (2-core CPU, 2 threads, 2026-12-06, best of 15 in one
process; batch x steps x features x units): 0.61x at 32 x 100 x 100 x 100, 0.70x at 128 x 100 x 32 x 32,
0.78x at 64 x 49 x 64 x 64, 0.89x at 128 x 100 x 64 x 64, 0.91x at 64 x 100 x 128 x 128, 0.93-0.95x at
100 x 100 x 100 x 100. The forward alone is not faster (1.0-1.2x), so `_fused` uses this only when a
gradient will be taken. The loops run on one intra-op thread when a step's product is small (as in
`_simple_recurrence`), on torch's threads otherwise: at 100 x 100 x 100 x 100, 1.03-1.12x with one
thread against 0.93-0.95x with two.
"""
import contextlib

import torch

from tkeras.backend.core_sharing import one_thread
from tkeras.layers.rnn._simple_recurrence import differentiable_backward, previous_times_grad, runs_here, step_grads


def handles(mode, x, weights, batch_sizes):
    """Whether `run` covers this kernel call (one direction): the conditions of `_simple_recurrence`."""
    return mode == "gru" and runs_here(x, weights, batch_sizes)


# Multiply-adds of one step's recurrent product below which the loops are faster on one thread
# (one thread 0.70x against two 0.73x at batch 128 x 32 units, equal at 64 x 64, 0.67x against 0.61x at 32 x 100).
_SMALL_STEP = 1 << 19


def _loop_threads(batch, units):
    if batch * units * 3 * units < _SMALL_STEP:
        return one_thread()
    return contextlib.nullcontext()


def run(x, h0, weights):
    """`x` (batch, time, features), `h0` (batch, units), `weights` in torch's layout and gate order
    (`w_ih`, `w_hh`[, `b_ih`, `b_hh`]). Returns (outputs (batch, time, units), final state)."""
    b_ih, b_hh = (weights[2], weights[3]) if len(weights) == 4 else (None, None)
    return _GruRecurrence.apply(x, h0, weights[0].t(), weights[1].t(), b_ih, b_hh)


def _forward(x, h0, kernel, recurrent_kernel, b_ih, b_hh):
    """Gates (batch, time, 3 units: r, z, n after their activations), recurrent products
    (batch, time, 3 units, with b_hh) and outputs (batch, time, units)."""
    batch, steps, features = x.shape
    units = recurrent_kernel.shape[0]
    flat = x.reshape(batch * steps, features)
    gates = (torch.addmm(b_ih, flat, kernel) if b_ih is not None else flat @ kernel).view(batch, steps, 3 * units)
    gates[..., 2 * units:].mul_(2)  # the candidate's 2a, for tanh(a) = 2 sigmoid(2a) - 1
    recurrent = x.new_empty(batch, steps, 3 * units)
    outputs = x.new_empty(batch, steps, units)
    by_step, products, hs = gates.unbind(1), recurrent.unbind(1), outputs.unbind(1)
    previous = h0
    with _loop_threads(batch, units):
        for t in range(steps):
            g, p = by_step[t], products[t]
            if b_hh is not None:
                torch.addmm(b_hh, previous, recurrent_kernel, out=p)
            else:
                torch.mm(previous, recurrent_kernel, out=p)
            rz = g[:, :2 * units]
            rz.add_(p[:, :2 * units]).sigmoid_()
            n = g[:, 2 * units:]
            n.addcmul_(g[:, :units], p[:, 2 * units:], value=2).sigmoid_()
            n.mul_(2).sub_(1)
            previous = torch.lerp(n, previous, g[:, units:2 * units], out=hs[t])
    return gates, recurrent, outputs


class _GruRecurrence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, h0, kernel, recurrent_kernel, b_ih, b_hh):
        gates, recurrent, outputs = _forward(x, h0, kernel, recurrent_kernel, b_ih, b_hh)
        ctx.save_for_backward(x, h0, kernel, recurrent_kernel, b_ih, b_hh, gates, recurrent, outputs)
        # the last state as its own output (a copy): see `_simple_recurrence._finish_forward`
        ctx.set_materialize_grads(False)
        return outputs, outputs[:, -1].clone()

    @staticmethod
    def backward(ctx, grad_outputs, grad_last):
        x, h0, kernel, recurrent_kernel, b_ih, b_hh, gates, recurrent, outputs = ctx.saved_tensors
        if torch.is_grad_enabled():
            return differentiable_backward(torch._VF.gru, (x, h0, kernel, recurrent_kernel, b_ih, b_hh), grad_outputs,
                                           grad_last)
        batch, steps, features = x.shape
        units = recurrent_kernel.shape[0]
        r, z, n = gates.split(units, -1)
        # factors (batch, time, 3 units): dL/d(input gates) = g * factors, dL/d(recurrent products) =
        # g * recurrent_factors (the candidate's quarter also times r)
        factors = torch.empty_like(gates)
        f_r, f_z, f_a = factors.split(units, -1)
        torch.mul(n, n, out=f_a).neg_().add_(1).mul_(torch.rsub(z, 1))
        previous = torch.cat([h0.unsqueeze(1), outputs[:, :-1]], 1)
        torch.sub(previous, n, out=f_z).mul_(z).mul_(torch.rsub(z, 1))
        torch.mul(f_a, recurrent[..., 2 * units:], out=f_r).mul_(r).mul_(torch.rsub(r, 1))
        recurrent_factors = factors.clone()
        recurrent_factors[..., 2 * units:].mul_(r)
        # grad holds dL/dh_t, completed step by step from the last (without a sequence gradient from
        # outside, the earlier steps are written, not added to)
        outside = grad_outputs is not None
        grad = step_grads(grad_outputs, grad_last, outputs)
        by_step, z_by_step, recurrent_by_step = grad.unbind(1), z.unbind(1), recurrent_factors.unbind(1)
        recurrent_t = recurrent_kernel.t()
        with _loop_threads(batch, units):
            for t in range(steps - 1, -1, -1):
                g = by_step[t]
                q = recurrent_by_step[t]
                q.view(batch, 3, units).mul_(g.unsqueeze(1))
                if t > 0:
                    earlier = by_step[t - 1].addcmul_(g, z_by_step[t]) if outside else torch.mul(
                        g, z_by_step[t], out=by_step[t - 1])
                    earlier.addmm_(q, recurrent_t)
        grad_h0 = None
        if ctx.needs_input_grad[1]:
            grad_h0 = torch.addmm(by_step[0] * z_by_step[0], recurrent_by_step[0], recurrent_t)
        factors.view(batch, steps, 3, units).mul_(grad.unsqueeze(2))
        rows = factors.view(batch * steps, 3 * units)
        recurrent_rows = recurrent_factors.view(batch * steps, 3 * units)
        grad_x = grad_kernel = grad_recurrent = grad_b_ih = grad_b_hh = None
        if ctx.needs_input_grad[0]:
            grad_x = (rows @ kernel.t()).view(batch, steps, features)
        if ctx.needs_input_grad[2]:
            grad_kernel = x.reshape(batch * steps, features).t() @ rows
        if ctx.needs_input_grad[3]:
            grad_recurrent = previous_times_grad(outputs, h0, recurrent_factors)
        if ctx.needs_input_grad[4]:
            grad_b_ih = rows.sum(0)
        if ctx.needs_input_grad[5]:
            grad_b_hh = recurrent_rows.sum(0)
        return grad_x, grad_h0, grad_kernel, grad_recurrent, grad_b_ih, grad_b_hh
