"""`fit`'s train step for a Sequential stack of Dense, Dropout and Activation layers, without autograd
through the stack.

The MLPs of the tutorials (MNIST's Dense(512) -> Dense(10), IMDB's multi-hot Dense(16) stack) spend a
fifth of their CPU step outside the arithmetic: each layer's `__call__` bookkeeping, autograd's graph
and engine, and the Python backward of each Dense. XLA compiles that away for Keras on JAX. Here the
step runs the layers' own kernels directly: the forward with autograd off, keeping what the backward
needs; the loss through the model's own `compute_loss`, with autograd only from the last Dense's
pre-activation output (so every loss, sample weight and class weight works as in the general step),
or, for a built-in crossentropy over its matching head, loss and gradient in closed form
(`closed_form_heads.py`, the same values bit for bit; TKERAS_CLOSED_FORM_HEAD=0 turns it off);
then the backward down the stack with the same products `backend/dense_matmul.py` picks for autograd,
and the model's optimizer, constraints, loss tracker and metrics, as `Trainer.train_step` does.
MNIST's step went from ~2.4-3.1 ms to ~1.9-2.3 ms (bench/bench_peers.py; figures in the README).

The plan is made once per `fit` (the trainer's caches) and only for models where it gives what the
general step gives: the exact Sequential and layer classes (no overridden call, train_step,
compute_loss), float32 weights and policy, no regularizers or activity regularizers, no quantized or
LoRA layers, one process; each step also requires a float32 2-D CPU input and no autocast (a
mixed global policy turns it on in the loops), and otherwise runs the general step.
TKERAS_DENSE_STACK_STEP=0 turns it off.
"""
import os

import torch

from tkeras import activations
from tkeras.backend import dense_matmul
from tkeras.layers import added_losses
from tkeras.optimizers.optimizer import Optimizer
from tkeras.training import closed_form_heads, data_adapter

# Hidden activations whose backward is one kernel of the activation's output.
_HIDDEN = {
    activations.linear: None,
    activations.relu: "relu",
    activations.sigmoid: torch.ops.aten.sigmoid_backward,
    activations.tanh: torch.ops.aten.tanh_backward,
}


def plan_for(model):
    """The model's stack as [(kind, layer, activation)] when this step applies to it, else None (cached
    until the trainer's caches are invalidated: each fit, compile, trainable change)."""
    cached = model.__dict__.get("_dense_stack_plan", False)
    if cached is False:
        if not model.built:
            return None  # built by the first (general) step
        cached = _plan(model)
        model.__dict__["_dense_stack_plan"] = cached
        if cached is not None:
            for p in model._trainable_cache():
                p.grad = None  # an earlier general step's gradients: not read again, memory back
    return cached


def forget(model):
    model.__dict__.pop("_dense_stack_plan", None)


def _plan(model):
    from tkeras.layers.core.activation import Activation
    from tkeras.layers.core.dense import Dense
    from tkeras.layers.regularization.dropout import Dropout
    from tkeras.models.sequential import Sequential
    from tkeras.training.trainer import Trainer
    if os.environ.get("TKERAS_DENSE_STACK_STEP", "1") == "0":
        return None
    if type(model) is not Sequential or not model.built or getattr(model, "optimizer", None) is None:
        return None
    if any(getattr(type(model), name) is not getattr(Trainer, name)
           for name in ("train_step", "compute_loss", "compute_metrics")):
        return None
    if model.activity_regularizer is not None or model.dtype_policy.name != "float32":
        return None
    if model._regularized_weights() or "_remat_scope" in model.__dict__ or model._loss_endpoints:
        return None  # (tf-keras 2's losses added over the stack: sequential_endpoints.py)
    conformer = model._input_conformer
    if conformer is not None and conformer.dtype not in (None, torch.float32):
        return None  # a float64/float16/int Input hands its layers another dtype: the general step casts
    from tkeras.distribute.data_parallel import current_distribution
    if current_distribution() is not None:
        return None
    if not model._trainable_cache():
        return None  # the general step warns that there is nothing to train
    stack = []
    for layer in model.layers:
        kind = {Dense: "dense", Dropout: "dropout", Activation: "activation"}.get(type(layer))
        if kind is None or layer.activity_regularizer is not None or "_remat_scope" in layer.__dict__:
            return None
        if layer.dtype_policy.name != "float32" or any(w.dtype != torch.float32 for w in layer.weights):
            return None
        if kind == "dense" and (getattr(layer, "kernel_scale", None) is not None
                                or getattr(layer, "lora_enabled", False) or layer.kernel.dim() != 2):
            return None
        stack.append((kind, layer, getattr(layer, "activation", None)))
    last_dense = max((i for i, (kind, _, _) in enumerate(stack) if kind == "dense"), default=None)
    if last_dense is None or any(kind != "activation" for kind, _, _ in stack[last_dense + 1:]):
        return None
    if any(kind != "dropout" and activation not in _HIDDEN for kind, _, activation in stack[:last_dense]):
        return None  # a hidden activation without a one-kernel backward
    return stack


def applies_to(stack, x):
    """The per-step conditions: on the batch, the global state, and activations set since the plan."""
    return (type(x) is torch.Tensor and x.dtype == torch.float32 and x.dim() == 2 and x.device.type == "cpu"
            and not x.requires_grad and getattr(x, "_keras_mask", None) is None and torch.is_grad_enabled()
            and not added_losses.PENDING_LOSSES and not torch.is_autocast_enabled("cpu")
            and all(kind == "dropout" or layer.activation is activation for kind, layer, activation in stack))


def train_step(model, stack, x, y, sample_weight):
    """One step: forward, loss, backward, update, trackers; returns what `Trainer.train_step` returns."""
    inputs = x if model._input_conformer is None else model._input_conformer(x)
    last = max(i for i, (kind, _, _) in enumerate(stack) if kind == "dense")
    saved = []
    with torch.no_grad():
        h = inputs
        for kind, layer, activation in stack[:last]:
            h, record = _forward(kind, layer, activation, h)
            saved.append(record)
        head = stack[last][1]
        head_input = h
        z = _affine(head, h, relu=False)
        # a built-in crossentropy over this head: loss and gradient in closed form (None: autograd)
        closed = None
        if sample_weight is None and len(stack) == last + 1:
            head_fn = closed_form_heads.head_for(model, head.activation)
            if head_fn is not None:
                y_pred = head.activation(z)
                closed = head_fn(z, y)
    if closed is not None:
        loss, grad = closed
        requires_grad = True
    else:
        z.requires_grad_(True)
        y_pred = head.activation(z)
        for _, layer, _ in stack[last + 1:]:
            y_pred = layer.activation(y_pred)
        loss = model.compute_loss(x, y, y_pred, sample_weight)
        requires_grad = loss.requires_grad
        if requires_grad:
            scale_loss = getattr(model.optimizer, "scale_loss", None)  # a LossScaleOptimizer's
            grad = torch.autograd.grad(loss if scale_loss is None else scale_loss(loss), z)[0]
    grads = {}
    if requires_grad:
        # A layer's input gradient is wanted only while a Dense lies below it (never for the batch).
        dense_below = [False]
        for record in saved:
            dense_below.append(dense_below[-1] or record[0] == "dense")
        grad = _dense_backward(head, head_input, grad, grads, need_input=dense_below[-1])
        for index in range(len(saved) - 1, -1, -1):
            grad = _backward(saved[index], grad, grads, need_input=dense_below[index])
    params = model._trainable_cache()
    optimizer = model.optimizer
    ordered = [grads.get(id(p)) for p in params]
    if type(optimizer).step_from_grads is Optimizer.step_from_grads and not any(g is None for g in ordered):
        optimizer._update_variables(params, ordered, owned=True)  # what step_from_grads does, minus `.grad`
    else:
        for p, g in zip(params, ordered):
            p.grad = g
        optimizer.step_from_grads(params)  # (no gradient at all: its clear error, as in the general step)
    for p in model._constrained_cache():
        with torch.no_grad():
            p.copy_(p.constraint(p))
    model._loss_tracker.update_state(loss.detach(), sample_weight=data_adapter.batch_size_of(x))
    return model.compute_metrics(x, y, y_pred, sample_weight)


def _affine(layer, x, relu):
    out = dense_matmul.dense(x, layer.kernel, layer.bias, relu, training=True)
    if out is None:
        out = torch.addmm(layer.bias, x, layer.kernel) if layer.bias is not None else x.mm(layer.kernel)
        if relu:
            out = torch.relu(out)
    return out


def _forward(kind, layer, activation, x):
    """The layer's training output and what its backward needs: (kind, layer, input, output or mask,
    the activation's backward)."""
    if kind == "dropout":
        if layer.rate == 0.0:
            return x, ("identity", layer, None, None, None)
        mask = x.new_zeros(()) if layer.rate == 1.0 else layer.scaled_keep_mask(x)
        return x * mask, ("dropout", layer, None, mask, None)
    act = _HIDDEN[activation]
    if kind == "activation":
        out = activation(x)
        return out, ("activation", layer, None, out, act)
    out = _affine(layer, x, relu=act == "relu")
    if act is not None and act != "relu":
        out = activation(out)
    return out, ("dense", layer, x, out, act)


def _activation_backward(act, grad, out):
    if act is None:
        return grad
    if act == "relu":
        return torch.ops.aten.threshold_backward(grad, out, 0)
    return act(grad, out)


def _backward(record, grad, grads, need_input):
    """The gradient of the record's input (None when `need_input` is off: no weight below needs it),
    the layer's weight gradients put in `grads`."""
    kind, layer, x, out, act = record
    if kind == "dense":
        return _dense_backward(layer, x, _activation_backward(act, grad, out), grads, need_input)
    if not need_input:
        return None
    if kind == "dropout":
        return grad * out
    return grad if kind == "identity" else _activation_backward(act, grad, out)


def _dense_backward(layer, x, grad, grads, need_input):
    kernel, bias = layer.kernel, layer.bias
    want_bias = bias is not None and bias.requires_grad
    grad_x, grad_kernel, grad_bias = dense_matmul.products_backward(
        grad, x, kernel, need_input, kernel.requires_grad, want_bias)
    if grad_kernel is not None:
        grads[id(kernel)] = grad_kernel  # contiguous, as the fused optimizer kernels want it (untransposed)
    if grad_bias is not None:
        grads[id(bias)] = grad_bias
    return grad_x
