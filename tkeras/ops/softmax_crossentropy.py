"""Softmax crossentropy from logits with TensorFlow's gradient, `softmax(logits) - labels`.

TensorFlow computes this loss with one fused kernel whose gradient assumes every row of labels sums
to 1. Autograd of `-sum(labels * log_softmax(logits))` gives `softmax * sum(labels) - labels`
instead: the same for one-hot or soft labels, but not for targets that don't sum to 1 (multi-hot
rows, all-zero rows). tf-keras 2 takes this path for `categorical_crossentropy` on logits or on a
softmax output, and so does `tf.nn.softmax_cross_entropy_with_logits`; training with such targets
(Deep Learning with Python's multi-hot "department" example) only follows Keras with its gradient.
"""
import torch


class _SoftmaxCrossentropyFromLogits(torch.autograd.Function):
    """Keeps logits and labels, not the softmax, so that the backward pass stays differentiable
    (a Hessian through the loss still works)."""

    @staticmethod
    def forward(ctx, logits, labels, axis):
        ctx.save_for_backward(logits, labels)
        ctx.axis = axis
        return -(labels * torch.log_softmax(logits, dim=axis)).sum(dim=axis)

    @staticmethod
    def backward(ctx, grad):
        logits, labels = ctx.saved_tensors
        grad = grad.unsqueeze(ctx.axis)
        log_p = torch.log_softmax(logits, dim=ctx.axis)
        grad_logits = grad_labels = None
        if ctx.needs_input_grad[0]:
            # exp(log_softmax), as training/closed_form_heads.py computes it too (the same bits either way)
            grad_logits = grad * (log_p.exp() - labels)
        if ctx.needs_input_grad[1]:
            grad_labels = -grad * log_p
        return grad_logits, grad_labels, None


def softmax_crossentropy_from_logits(labels, logits, axis=-1):
    """Per-row `-sum(labels * log_softmax(logits))` over `axis`, with TensorFlow's gradient.

    Labels of another shape than the logits (broadcast against them) take the plain autograd path,
    since the fused gradient is only defined for one label per logit.
    """
    labels = labels.to(logits.dtype)
    if labels.shape != logits.shape:
        return -(labels * torch.log_softmax(logits, dim=axis)).sum(dim=axis)
    return _SoftmaxCrossentropyFromLogits.apply(logits, labels, axis)
