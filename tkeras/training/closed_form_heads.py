"""A classifier's loss and its gradient at the logits, without autograd, for the Dense-stack step.

In the MNIST MLP's 1.5 ms CPU step, the loss and the backward through it took ~160 us: the compiled
loss's Python layers (~75 us) and autograd's engine over six graph nodes (~85 us), around arithmetic
on a 128 x 10 matrix that costs a tenth of that. The gradient of crossentropy at the logits is one
kernel (log-softmax's backward, or sigmoid minus target), so when the model's loss is one of the
built-in crossentropies with its defaults and the last Dense carries the matching activation (or a
linear head with `from_logits=True`), `dense_stack_step` asks this module instead.

Each head computes the loss with the very operations `losses/crossentropy.py` and `Loss.__call__`
apply on this path (log-softmax, product, sums, division by the batch size), and the gradient with the
operations autograd would run backwards through them, in the same order: the loss reported and the
update are those of the general step, bit for bit (tests/training/test_dense_stack_step.py compares
them). Anything else (sample or class weights, other losses or arguments, loss weights, loss scaling,
targets of another shape or dtype) gets None here and keeps autograd.
"""
import torch
import torch.nn.functional as F

from tkeras import activations
from tkeras.losses import crossentropy
from tkeras.losses.loss import Loss, LossFunctionWrapper
from tkeras.optimizers.optimizer import Optimizer

_LOG_SOFTMAX_BACKWARD = torch.ops.aten._log_softmax_backward_data

# loss function -> (kind, {argument: its default}); the head applies only with these values.
_LOSSES = {
    crossentropy.categorical_crossentropy: ("categorical", {"from_logits": False, "label_smoothing": 0.0,
                                                            "axis": -1}),
    crossentropy.sparse_categorical_crossentropy: ("sparse", {"from_logits": False, "ignore_class": None,
                                                              "axis": -1}),
    crossentropy.binary_crossentropy: ("binary", {"from_logits": False, "label_smoothing": 0.0, "axis": -1}),
}
_ACTIVATION_OF = {"categorical": activations.softmax, "sparse": activations.softmax, "binary": activations.sigmoid}


def head_for(model, head_activation):
    """The closed-form head for the model's compiled loss when the last Dense ends in
    `head_activation`, or None (then the step differentiates the loss with autograd)."""
    compiled = getattr(model, "compiled_loss", None)
    if compiled is None or compiled.output_names is None or len(compiled.output_names) != 1:
        return None
    loss = compiled._losses[0]
    if compiled._weights[0] != 1.0 or not isinstance(loss, LossFunctionWrapper):
        return None
    if type(loss).__call__ is not Loss.__call__ or loss.reduction != "sum_over_batch_size":
        return None
    if loss.dtype not in (torch.float32, "float32") or loss.fn not in _LOSSES:
        return None
    if type(loss).call not in (LossFunctionWrapper.call, crossentropy.SparseCategoricalCrossentropy.call):
        return None
    kind, defaults = _LOSSES[loss.fn]
    arguments = {**defaults, **loss._fn_kwargs}
    if set(arguments) != set(defaults):
        return None
    from_logits = arguments.pop("from_logits")
    if from_logits not in (True, False):
        return None
    for name, value in arguments.items():
        default = defaults[name]
        if value is not default and (default is None or isinstance(value, bool) or value != default):
            return None
    wanted = activations.linear if from_logits else _ACTIVATION_OF[kind]
    if head_activation is not wanted:
        return None
    optimizer = model.optimizer
    if type(optimizer).scale_loss is not Optimizer.scale_loss or optimizer.loss_scale_factor is not None:
        return None
    return _HEADS[kind]


def _batch_fraction(rows):
    """1 / rows as autograd's backward of `total / rows` makes it (a float32 division)."""
    return torch.ones((), dtype=torch.float32).div_(rows)


def _categorical(z, y):
    if type(y) is not torch.Tensor or y.dtype != torch.float32 or y.shape != z.shape:
        return None
    rows = z.shape[0]
    log_p = torch.log_softmax(z, dim=-1)
    values = -(y * log_p).sum(dim=-1)
    loss = values.sum() / rows if rows else values.sum()
    grad = _LOG_SOFTMAX_BACKWARD(y * _batch_fraction(rows).neg_(), log_p, -1, torch.float32)
    return loss, grad


def _sparse(z, y):
    if type(y) is not torch.Tensor or y.is_floating_point() and y.dtype != torch.float32:
        return None
    labels = crossentropy._sparse_labels(y, z, -1)  # its shape checks and messages
    rows = z.shape[0]
    if rows and (int(labels.min()) < 0 or int(labels.max()) >= z.shape[1]):
        return None  # the general step reports out-of-range labels
    log_p = torch.log_softmax(z, dim=-1)
    values = F.nll_loss(log_p, labels, reduction="none")
    loss = values.sum() / rows if rows else values.sum()
    grad_log_p = torch.zeros_like(log_p).scatter_(1, labels.unsqueeze(1), _batch_fraction(rows).neg_().expand(rows, 1))
    return loss, _LOG_SOFTMAX_BACKWARD(grad_log_p, log_p, -1, torch.float32)


def _binary(z, y):
    if type(y) is not torch.Tensor or y.dtype != torch.float32:
        return None
    if y.dim() == z.dim() - 1 and z.shape[-1] == 1:
        y = y.unsqueeze(-1)  # (N,) targets for an (N, 1) head, as the loss aligns them
    if y.shape != z.shape:
        return None
    rows, columns = z.shape
    elementwise = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    values = elementwise.mean(dim=-1)
    loss = values.sum() / rows if rows else values.sum()
    grad = (torch.sigmoid(z) - y) * _batch_fraction(rows).div_(columns)
    return loss, grad


_HEADS = {"categorical": _categorical, "sparse": _sparse, "binary": _binary}
