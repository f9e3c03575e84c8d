"""Keras 3's `LossScaleOptimizer.stateless_apply`: one loss-scaled update computed on given values.

`optimizer_variables` holds one value per `optimizer.variables` entry: the wrapper's four (iteration,
learning_rate, step_counter, dynamic_scale), then the inner optimizer's. The gradients are those of the
*scaled* loss. As in the stateful `apply`, they are unscaled; when all are finite the inner optimizer
updates the trainable values, otherwise they are returned unchanged and the scale halves; the scale
doubles after `dynamic_growth_steps` finite steps in a row. Everything runs inside a
`keras.StatelessScope` over copies (see optimizers/stateless.py), so neither the optimizers' variables
nor the model's change; returns `(new trainable values, new optimizer values)`.
"""
from tkeras.backend.stateless_scope import StatelessScope, current_values
from tkeras.optimizers.stateless import _laid_out_like


def stateless_apply(self, optimizer_variables, grads, trainable_variables):
    inner = self.inner_optimizer
    if not getattr(inner, "built", False):
        raise ValueError("LossScaleOptimizer.stateless_apply: build the optimizer first "
                         "(optimizer.build(trainable_variables)) so that its variables exist")
    state = self.variables
    targets = list(inner._built_variables)
    optimizer_values, trainable_values, grads = list(optimizer_variables), list(trainable_variables), list(grads)
    if len(optimizer_values) != len(state):
        raise ValueError(f"LossScaleOptimizer.stateless_apply: `optimizer_variables` needs {len(state)} values "
                         f"(the wrapper's 4, then the inner optimizer's, as in `optimizer.variables`); "
                         f"got {len(optimizer_values)}")
    if len(trainable_values) != len(targets) or len(grads) != len(targets):
        raise ValueError(f"LossScaleOptimizer.stateless_apply: the optimizer was built for {len(targets)} "
                         f"variables; got {len(trainable_values)} trainable values and {len(grads)} gradients")
    mapping = [(v, _laid_out_like(value, v)) for v, value in zip(state, optimizer_values)]
    mapping += [(v, _laid_out_like(value, v)) for v, value in zip(targets, trainable_values)]
    skipped = self.skipped_steps
    with StatelessScope(state_mapping=mapping):
        try:
            self.apply([None if g is None else _laid_out_like(g, v) for g, v in zip(grads, targets)], targets)
        finally:
            inner._settle()
            self.skipped_steps = skipped  # a host-side count of the real steps, not of this computation
        new_trainable, new_state = current_values(targets), current_values(state)
    return new_trainable, new_state
