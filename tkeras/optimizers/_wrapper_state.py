"""The state of an optimizer that wraps others (LossScaleOptimizer, MultiOptimizer) as one flat list.

Keras lists such an optimizer's own variables first, then each wrapped optimizer's (`variables`), and
saves, loads and sets weights in that order; these methods do that over whatever `variables` the
wrapper defines.
"""


class FlatVariableState:
    """`get_weights`/`set_weights`/`save_own_variables`/`load_own_variables` over `self.variables`."""

    def get_weights(self):
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights):
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"{self.name}.set_weights: expected {len(variables)} arrays (its own variables, then "
                             f"the wrapped optimizers'; build it first), received {len(weights)}")
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            raise ValueError(f"{self.name}: the saved optimizer has {len(store.keys())} variables, this one "
                             f"{len(variables)}")
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])
