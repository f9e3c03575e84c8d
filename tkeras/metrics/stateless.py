"""Keras 3's stateless metric API: update, read and reset a metric on given state values.

`metric_variables` lists one value per `metric.variables` entry, in that order. Each method runs the
ordinary stateful method inside a `keras.StatelessScope` mapping every state variable to its given
value: the scope swaps the variables' storage for copies of those values, so neither `assign*` nor
the in-place fast paths reach the metric's own state, and the values the method leaves in the
copies are read back before the scope restores the originals.

A metric that creates its state on first use (F1Score/FBetaScore, R2Score, AUC(multi_label=True)
without num_labels, MeanTensor) can be updated statelessly before any real update, as in Keras: pass
the values of the variables it has so far (none, or R2Score's `num_samples`); the state is created
(zeros, in the metric) and the update's values of all its variables come back.
"""
from tkeras.backend.stateless_scope import StatelessScope, current_values


def _checked(metric, metric_variables, method):
    variables = metric.variables
    values = list(metric_variables)
    if len(values) != len(variables):
        raise ValueError(
            f"{type(metric).__name__}.{method}: `metric_variables` needs one value per entry of the metric's "
            f"`variables` ({len(variables)} of them, in that order); got {len(values)}.")
    return variables, values


def stateless_update_state(self, metric_variables, *args, **kwargs):
    """`update_state(*args, **kwargs)` applied to `metric_variables`; returns the new values (a list
    parallel to `self.variables` as the update leaves it). The metric's own variables keep their values."""
    variables, values = _checked(self, metric_variables, "stateless_update_state")
    with StatelessScope(state_mapping=list(zip(variables, values))):
        self.update_state(*args, **kwargs)
        # `self.variables` again: a metric that makes its state on first use (F1Score, R2Score, AUC
        # with multi_label, MeanTensor) has just made it, zeros in the metric and updated in the scope.
        return current_values(self.variables)


def stateless_result(self, metric_variables):
    """`result()` computed from `metric_variables` instead of the metric's state."""
    variables, values = _checked(self, metric_variables, "stateless_result")
    with StatelessScope(state_mapping=list(zip(variables, values))):
        result = self.result()
    return result


def stateless_reset_state(self):
    """The values `reset_state()` would give the metric's variables (a list); the state is untouched."""
    variables = self.variables
    with StatelessScope(state_mapping=[(v, v.detach()) for v in variables]):
        self.reset_state()
        return current_values(variables)
