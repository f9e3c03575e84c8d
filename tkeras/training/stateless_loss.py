"""Keras 3's `Trainer.stateless_compute_loss`: `compute_loss` evaluated on given variable values.

The model's trainable, non-trainable and metric variables are mapped to the given values inside a
`keras.StatelessScope`; `compute_loss` (the model's own, if overridden) runs there, so weight
regularizers read the given values and any state a custom `compute_loss` updates (a loss tracker) is
recorded by the scope instead of changing the model. Returns `(loss, (trainable_variables,
non_trainable_variables, metrics_variables))`: the trainable values as given, the others as the
computation left them.

As in Keras, the loss is the compiled loss of `y_pred` plus the weight regularization penalties; the
losses layers added during an earlier call (activity regularization) are not part of it: a
stateless_call hands those back itself (`return_losses=True`). When autograd is on and a given
trainable value requires grad, the penalties are computed on that value, so the loss is
differentiable with respect to it.
"""
import inspect

import torch

from tkeras.backend.stateless_scope import StatelessScope, current_values
from tkeras.layers import added_losses, stateless_grad


def _checked(model, given, expected, argument):
    values = list(given)
    if len(values) != len(expected):
        raise ValueError(
            f"{type(model).__name__}.stateless_compute_loss: `{argument}` needs one value per entry of the "
            f"model's `{argument}` ({len(expected)} of them, in that order); got {len(values)}.")
    return values


def _takes_training(method):
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return True
    return "training" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _loss_only_builder(model):
    def build(x, y, y_pred):
        if model.compiled_loss.output_names is None:
            model.compiled_loss.build(model, y_pred)
    return build


def stateless_compute_loss(self, trainable_variables, non_trainable_variables, metrics_variables, x=None,
                           y=None, y_pred=None, sample_weight=None, training=True):
    """`compute_loss(x, y, y_pred, sample_weight, training)` with the model's variables set to the given
    values (each list in the order of `trainable_variables`, `non_trainable_variables`,
    `metrics_variables`). Returns `(loss, (trainable_variables, non_trainable_variables,
    metrics_variables))`; the model's own variables are left as they were."""
    trainable = list(self.trainable_variables)
    non_trainable = list(self.non_trainable_variables)
    metric_variables = list(self.metrics_variables)
    trainable_values = _checked(self, trainable_variables, trainable, "trainable_variables")
    non_trainable_values = _checked(self, non_trainable_variables, non_trainable, "non_trainable_variables")
    metric_values = _checked(self, metrics_variables, metric_variables, "metrics_variables")
    mapping = (list(zip(trainable, trainable_values)) + list(zip(non_trainable, non_trainable_values))
               + list(zip(metric_variables, metric_values)))
    substitutes = None
    if stateless_grad.wants_gradient(trainable_values):
        substitutes = {id(v): torch.as_tensor(value, device=v.device).to(v.dtype)
                       for v, value in zip(trainable, trainable_values)
                       if isinstance(value, torch.Tensor) and value.requires_grad}
    earlier = list(added_losses.PENDING_LOSSES)  # an earlier call's losses: not this computation's
    added_losses.PENDING_LOSSES.clear()
    try:
        with StatelessScope(state_mapping=mapping):
            if substitutes:
                self.__dict__["_stateless_regularized_values"] = substitutes
            # The compiled metrics are built by compute_metrics, not here (as in Keras), so that the
            # metric variables the caller passes stay the model's metric variables.
            self.__dict__["_build_compiled"] = _loss_only_builder(self)
            try:
                if _takes_training(self.compute_loss):
                    loss = self.compute_loss(x, y, y_pred, sample_weight, training=training)
                else:  # a compute_loss written before Keras 3.3 added `training`
                    loss = self.compute_loss(x, y, y_pred, sample_weight)
            finally:
                self.__dict__.pop("_stateless_regularized_values", None)
                self.__dict__.pop("_build_compiled", None)
            new_non_trainable = current_values(non_trainable)
            new_metric_values = current_values(self.metrics_variables)
    finally:
        added_losses.PENDING_LOSSES[:] = earlier
    if substitutes:  # a custom compute_loss reading `self.losses` reaches the Parameters: refused
        stateless_grad.check_graph(self, loss, [v for v in trainable if id(v) in substitutes])
    return loss, (trainable_variables, new_non_trainable, new_metric_values)
