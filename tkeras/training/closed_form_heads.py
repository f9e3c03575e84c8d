"""A classifier's loss and its gradient at the logits, without autograd through the loss.

In the MNIST MLP's 1.5 ms CPU step, the loss and the backward through it took ~160 us: the compiled
loss's Python layers (~75 us) and autograd's engine over six graph nodes (~85 us), around arithmetic
on a 128 x 10 matrix that costs a tenth of that. The gradient of crossentropy at the logits is one
kernel (log-softmax's backward, or sigmoid minus target). So when the model's loss is one of the
built-in crossentropies with its defaults, unweighted, and the model's output came straight out of
the matching activation (softmax/sigmoid tag their outputs with their inputs) or is the logits
themselves with `from_logits=True`, the loss and the logits' gradient are computed here: by
`dense_stack_step` (its last Dense), and by `Trainer.train_step`, which then runs autograd from the
logits down only (`logits.backward(gradient)`).

Each head computes the loss with the very operations `losses/crossentropy.py` and `Loss.__call__`
apply on this path (log-softmax, product, sums, division by the batch size), and the gradient with the
operations autograd would run backwards through them, in the same order: the loss reported and the
update are those of autograd through `compute_loss`, bit for bit (tests/training/
test_closed_form_heads.py trains both ways and compares). Anything else (sample or class weights,
other losses or arguments, loss weights, loss scaling, added or regularization losses, masks, autocast,
a distribution, an overridden compute_loss, targets of another shape or dtype) keeps autograd;
TKERAS_CLOSED_FORM_HEAD=0 turns this off.
"""
import os

import torch
import torch.nn.functional as F

from tkeras import activations
from tkeras.layers import added_losses
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
_TAG_OF = {"categorical": "softmax", "sparse": "softmax", "binary": "sigmoid"}  # activations._tag's kinds


def head_for(model, head_activation):
    """For the Dense-stack step: the closed-form head for the model's compiled loss when its last Dense
    ends in `head_activation`, or None (then the step differentiates the loss with autograd)."""
    found = _kind_of(model)
    if found is None:
        return None
    kind, from_logits = found
    if head_activation is not (activations.linear if from_logits else _ACTIVATION_OF[kind]):
        return None
    return _HEADS[kind]


def for_output(model, y_pred):
    """For the general step: (head, logits) when `y_pred`, the model's output, is the logits the
    compiled loss expects or came straight out of the matching activation (which tags its output with
    its input), else None. Checked per step: the output of a functional or subclassed model is only
    known once computed."""
    found = _kind_of(model)
    if found is None or type(y_pred) is not torch.Tensor or y_pred.dim() != 2:
        return None
    kind, from_logits = found
    attributes = y_pred.__dict__
    if from_logits:
        logits = y_pred if "_keras_activation" not in attributes else None
    elif attributes.get("_keras_activation") == _TAG_OF[kind]:
        logits = attributes.get("_keras_logits")
    else:
        logits = None
    if logits is None or "_keras_mask" in attributes or type(logits) is not torch.Tensor \
            or logits.shape != y_pred.shape or logits.dtype != torch.float32 or not logits.requires_grad:
        return None
    return _HEADS[kind], logits


def _kind_of(model):
    """`loss_kind(model)`, worked out once per fit (forget() at its start) after the first step has
    built the compiled loss; None while it is not built, with TKERAS_CLOSED_FORM_HEAD=0, and under a
    distribution (whose step reduces the loss across ranks its own way)."""
    found = model.__dict__.get("_closed_loss_kind", False)
    if found is False:
        if model.compiled_loss.output_names is None:
            return None  # built by the first step's compute_loss
        from tkeras.distribute.data_parallel import current_distribution
        found = None
        if os.environ.get("TKERAS_CLOSED_FORM_HEAD", "1") != "0" and current_distribution() is None:
            found = loss_kind(model)
        model.__dict__["_closed_loss_kind"] = found
    return found


def loss_and_gradient(model, y_pred, y, sample_weight):
    """For `Trainer.train_step`: (loss, logits, gradient at the logits) when the closed form gives what
    `compute_loss` and autograd would (no sample weights, no added or regularization losses, no
    autocast), else None. Called after the forward pass, which may have added losses."""
    if sample_weight is not None or added_losses.PENDING_LOSSES or model._regularized_weights():
        return None
    found = for_output(model, y_pred)
    if found is None or torch.is_autocast_enabled(y_pred.device.type):
        return None
    head, logits = found
    with torch.no_grad():
        result = head(logits.detach(), y)
    return None if result is None else (result[0], logits, result[1])


def forget(model):
    model.__dict__.pop("_closed_loss_kind", None)


def loss_kind(model):
    """(kind, from_logits) when the model's compiled loss is one of the built-in crossentropies with
    its defaults, on one output, unweighted and unscaled; else None."""
    compiled = getattr(model, "compiled_loss", None)
    if compiled is None or compiled.output_names is None or len(compiled.output_names) != 1:
        return None
    loss = compiled._losses[0]
    if compiled._weights[0] != 1.0 or not isinstance(loss, LossFunctionWrapper):
        return None
    if type(loss).__call__ is not Loss.__call__ or loss.reduction != "sum_over_batch_size":
        return None
    if getattr(loss, "_torch_dtype", None) is not torch.float32 or loss.fn not in _LOSSES:
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
    optimizer = model.optimizer
    if type(optimizer).scale_loss is not Optimizer.scale_loss or optimizer.loss_scale_factor is not None:
        return None
    return kind, bool(from_logits)


_SCALES = {}  # (rows, columns) -> -1 / rows / columns, a float32 scalar (kept: one op a step, not three)


def _negated_fraction(rows, columns=1):
    """-(1 / rows / columns) as autograd's backward of `mean(-1)`, `total / rows` and a negation makes it
    (float32 divisions); the head multiplies its targets by it. Made once per batch shape."""
    scale = _SCALES.get((rows, columns))
    if scale is None:
        if len(_SCALES) > 64:
            _SCALES.clear()
        scale = torch.ones((), dtype=torch.float32).div_(rows)
        if columns != 1:
            scale.div_(columns)
        scale = _SCALES[(rows, columns)] = scale.neg_()
    return scale


def _categorical(z, y):
    if type(y) is not torch.Tensor or y.dtype != torch.float32 or y.shape != z.shape or y.device != z.device:
        return None
    rows = z.shape[0]
    log_p = torch.log_softmax(z, dim=-1)
    if rows:
        # -(row sums) summed, over rows: negating and dividing by -rows round alike (one op less)
        loss = (y * log_p).sum(dim=-1).sum() / -rows
    else:
        loss = (-(y * log_p).sum(dim=-1)).sum()
    # TensorFlow's gradient, (softmax - y) / rows, as the loss's autograd path (ops/softmax_crossentropy.py)
    grad = torch.sub(y, log_p.exp()).mul_(_negated_fraction(rows))
    return loss, grad


def _sparse(z, y):
    if type(y) is not torch.Tensor or y.device != z.device or y.is_floating_point() and y.dtype != torch.float32:
        return None
    labels = crossentropy._sparse_labels(y, z, -1)  # its shape checks and messages
    rows = z.shape[0]
    log_p = torch.log_softmax(z, dim=-1)
    try:
        values = F.nll_loss(log_p, labels, reduction="none")
    except IndexError:  # a label out of range: the general step reports it (no check reads labels back)
        return None
    # nll_loss's backward: -1/rows at each row's label, nothing on a row torch ignores (label -100)
    picked = labels.unsqueeze(1) == torch.arange(z.shape[1], device=z.device)
    grad_log_p = picked.to(torch.float32).mul_(_negated_fraction(rows))
    loss = values.sum() / rows if rows else values.sum()
    return loss, _LOG_SOFTMAX_BACKWARD(grad_log_p, log_p, -1, torch.float32)


def _binary(z, y):
    if type(y) is not torch.Tensor or y.dtype != torch.float32 or y.device != z.device:
        return None
    if y.dim() == z.dim() - 1 and z.shape[-1] == 1:
        y = y.unsqueeze(-1)  # (N,) targets for an (N, 1) head, as the loss aligns them
    if y.shape != z.shape:
        return None
    rows, columns = z.shape
    elementwise = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    values = elementwise.mean(dim=-1)
    loss = values.sum() / rows if rows else values.sum()
    grad = (y - torch.sigmoid(z)) * _negated_fraction(rows, columns)
    return loss, grad


_HEADS = {"categorical": _categorical, "sparse": _sparse, "binary": _binary}
