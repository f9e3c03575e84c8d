"""Keras 3's `Optimizer.stateless_apply`: one update computed on given values, returned as new values.

`optimizer_variables` lists one value per `optimizer.variables` entry (iteration count, learning rate,
slots, in that order) and `trainable_variables` one per variable the optimizer was built with. The
update kernels write in place (`torch._foreach_*`, fused kernels), so the update runs inside a
`keras.StatelessScope` mapping all of those variables to their values: the scope swaps each
variable's storage for a copy laid out like the variable, the update writes into the copies, the
results are read back, and the scope puts the original storage back. RMSprop's working offset on
its velocities (rmsprop.py) is taken off the copies before they are read, so it never reaches the
returned values nor the optimizer's own velocities.
"""
import torch

from tkeras.backend.stateless_scope import StatelessScope, current_values


def _laid_out_like(value, variable):
    """`value` as a tensor with `variable`'s dtype, device and memory layout (the update plans
    read the layout once, and the fused kernels expect slots laid out as their variables)."""
    tensor = value.detach() if isinstance(value, torch.Tensor) else torch.as_tensor(value)
    if type(tensor) is not torch.Tensor:
        tensor = tensor.as_subclass(torch.Tensor)
    if tuple(tensor.shape) != tuple(variable.shape):
        raise ValueError(f"stateless_apply: the value for variable {variable.path!r} has shape "
                         f"{tuple(tensor.shape)}; the variable's shape is {tuple(variable.shape)}")
    out = torch.empty_like(variable.detach(), memory_format=torch.preserve_format)
    out.copy_(tensor)
    return out


def stateless_apply(self, optimizer_variables, grads, trainable_variables):
    """Apply `grads` to the values `trainable_variables` with optimizer state `optimizer_variables`;
    returns `(new trainable values, new optimizer values)`, lists in the same orders. Neither the
    optimizer's variables nor the model's change."""
    name = type(self).__name__
    if not self.built:
        raise ValueError(f"{name}.stateless_apply: the optimizer must be built (its variables created) first; "
                         f"build it with optimizer.build(trainable_variables).")
    optimizer_values = list(optimizer_variables)
    trainable_values = list(trainable_variables)
    grads = list(grads)
    state = self.variables  # (settles RMSprop's offset on the real velocities: Keras' values again)
    targets = list(self._built_variables)
    if len(optimizer_values) != len(state):
        raise ValueError(
            f"{name}.stateless_apply: `optimizer_variables` needs one value per entry of the optimizer's "
            f"`variables` ({len(state)} of them, in that order); got {len(optimizer_values)}.")
    if len(trainable_values) != len(targets):
        raise ValueError(
            f"{name}.stateless_apply: `trainable_variables` needs one value per variable the optimizer was "
            f"built with ({len(targets)} of them, in that order); got {len(trainable_values)}.")
    if len(grads) != len(targets):
        raise ValueError(f"{name}.stateless_apply: received {len(grads)} gradients for {len(targets)} "
                         f"trainable variables; pass one gradient per variable (None to skip one).")
    mapping = [(v, _laid_out_like(value, v)) for v, value in zip(state, optimizer_values)]
    mapping += [(v, _laid_out_like(value, v)) for v, value in zip(targets, trainable_values)]
    with StatelessScope(state_mapping=mapping):
        try:
            self.apply(grads, targets)
        finally:
            self._settle()  # the offset comes off the copies, before they are read or dropped
        new_trainable, new_state = current_values(targets), current_values(state)
    return new_trainable, new_state
