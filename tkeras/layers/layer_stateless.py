"""Keras 3's `Layer.stateless_call`: call a layer (or model) on given variable values.

The layer's trainable and non-trainable variables are mapped to the given values inside a
`keras.StatelessScope`, which swaps each variable's storage for a copy of its value for the length of
the call and puts the original back afterwards, so the layer's own variables never change. State
updates made during the call (BatchNormalization's moving statistics with training=True) land in
those copies and come back as the new non-trainable values. Losses added during the call are kept
by the scope: returned with `return_losses=True`, dropped otherwise (as Keras does).

When autograd is on and a given value requires grad, the outputs are differentiable with respect to
the given values (Keras' JAX-style training loop written with torch.autograd): the layers then read
stand-ins for their weights (stateless_grad.py), and a layer that would route the gradient elsewhere
is refused by name rather than answered with a wrong gradient. Otherwise the call runs without
autograd.
"""
import torch

from tkeras.backend.stateless_scope import StatelessScope, current_values
from tkeras.layers import stateless_grad


def _checked(layer, given, expected, argument):
    values = list(given)
    if len(values) != len(expected):
        name = type(layer).__name__
        attribute = "trainable_variables" if argument == "trainable_variables" else "non_trainable_variables"
        raise ValueError(
            f"{name}.stateless_call: `{argument}` needs one value per entry of the layer's `{attribute}` "
            f"({len(expected)} of them, in that order); got {len(values)}.")
    return values


def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
    """`self(*args, **kwargs)` with `trainable_variables` and `non_trainable_variables` (values listed
    in the order of `self.trainable_variables` / `self.non_trainable_variables`) in place of the
    variables. Returns `(outputs, non_trainable_variables)` with the non-trainable values as the call
    left them, and the losses added during the call as a third item with `return_losses=True`."""
    if not self.built:
        raise ValueError(f"{type(self).__name__}.stateless_call: the layer must be built (its variables created) "
                         f"first; build it by calling it on some data.")
    trainable = list(self.trainable_variables)
    non_trainable = list(self.non_trainable_variables)
    trainable_values = _checked(self, trainable_variables, trainable, "trainable_variables")
    non_trainable_values = _checked(self, non_trainable_variables, non_trainable, "non_trainable_variables")
    mapping = list(zip(trainable, trainable_values)) + list(zip(non_trainable, non_trainable_values))
    if stateless_grad.wants_gradient(trainable_values + non_trainable_values):
        with StatelessScope(state_mapping=mapping, collect_losses=True) as scope, \
                stateless_grad.substituted(self, mapping):
            outputs = self(*args, **kwargs)
            new_values = current_values(non_trainable)
        losses = list(scope.losses)
        stateless_grad.check_graph(self, (outputs, losses), trainable + non_trainable)
    else:
        with StatelessScope(state_mapping=mapping, collect_losses=True) as scope, torch.no_grad():
            outputs = self(*args, **kwargs)
            # Read inside the scope: whether the call assigned a value or wrote its copy in place, the
            # variable's storage now holds the value the call left.
            new_values = current_values(non_trainable)
        losses = list(scope.losses)
    if return_losses:
        return outputs, new_values, losses
    return outputs, new_values
