"""tf-keras 2's split of `minimize`: `compute_gradients` then `aggregate_gradients` then `apply_gradients`.

Keras 2 custom loops call the pieces on their own (gradients computed once, logged or clipped, then
applied). Gradients come from torch autograd: a loss tensor carries the graph that made it, so unlike
tf-keras a tape is optional even for a tensor loss; when one is given (`tkeras.GradientTape`, or any
object with a `gradient(target, sources)` method) it computes them.
"""
import torch


class GradientStepsMixin:
    def compute_gradients(self, loss, var_list, tape=None):
        """(gradient, variable) pairs of `loss` (a tensor, or a zero-argument callable returning one) for
        `var_list` (variables, or a callable returning them, read after the loss when `loss` is callable,
        so variables created by that first call are included). A gradient is None where the loss does not
        depend on the variable."""
        if callable(loss):
            if tape is not None:
                with tape:
                    value = loss()
            else:
                value = loss()
        else:
            value = loss
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        if tape is not None and hasattr(tape, "gradient"):
            grads = list(tape.gradient(value, var_list))
        else:
            if not isinstance(value, torch.Tensor) or not value.requires_grad:
                raise ValueError(f"{self.name}.compute_gradients: the loss {value!r} is not connected to any "
                                 f"variable by autograd; compute it from the variables (or pass the tape that "
                                 f"recorded it)")
            differentiable = [v for v in var_list if isinstance(v, torch.Tensor) and v.requires_grad]
            found = dict(zip(map(id, differentiable), torch.autograd.grad(
                value, differentiable, allow_unused=True))) if differentiable else {}
            grads = [found.get(id(v)) for v in var_list]
        return list(zip(grads, var_list))

    def aggregate_gradients(self, grads_and_vars):
        """Sum each gradient over the data-parallel workers (torch.distributed, when initialized with more
        than one process); in a single process the pairs come back as they are. None gradients stay None;
        an error is raised when every gradient is None."""
        pairs = list(grads_and_vars)
        present = [g for g, _ in pairs if g is not None]
        if pairs and not present:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[getattr(v, 'name', '?') for _, v in pairs]}")
        dist = torch.distributed
        if not (dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1):
            return pairs
        reduced = []
        for g, v in pairs:
            if g is not None:
                g = g.clone()
                dist.all_reduce(g, op=dist.ReduceOp.SUM)
            reduced.append((g, v))
        return reduced
