"""Keras 3's `gradient_accumulation_steps=N`: the model is updated once every N optimizer steps, with the
mean of the N gradients, so a small batch trains as an N times larger one would (the vocal track
separation example fits with batch 3 and N=2).

Keras' rules, kept here: each variable gets a `<path>_gradient_accumulator` slot (listed after the EMA
averages and before the optimizer's own slots); a step that is not the N-th adds its gradients to the
accumulators and changes no weight; the N-th step applies (gradients + accumulators) / N, with clipping
and weight decay, and zeroes the accumulators. The step counter counts every step, so learning-rate
schedules see them all, while `optimizer.iterations` and the update's step number (Adam's bias
correction, the EMA) count updates only: `steps // N`.
"""
import torch


def checked_steps(optimizer_name, steps):
    """The constructor argument, validated: None (off) or an int of at least 2."""
    if not steps:
        return None
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"{optimizer_name}: `gradient_accumulation_steps` must be an integer >= 2 (updates "
                         f"every that many steps), received gradient_accumulation_steps={steps!r}")
    return steps


def add_accumulators(optimizer, new_variables):
    """One zero accumulator per newly built variable, appended to the optimizer's variables."""
    accumulators = optimizer.__dict__.setdefault("_accumulators", [])
    for variable in new_variables:
        zeros = torch.zeros_like(variable.detach(), memory_format=torch.preserve_format)
        accumulators.append(optimizer._new_state(zeros, f"{_stem(variable)}_gradient_accumulator"))


def accumulating_update(optimizer, variables, grads, owned):
    """One optimizer step with accumulation: add to the accumulators, or apply their mean (see above)."""
    plan = optimizer._plan_for(variables)  # builds unknown variables, and so their accumulators
    steps = optimizer.gradient_accumulation_steps
    step = optimizer._iterations.item()
    update_step = step // steps
    accumulators = [optimizer._accumulators[optimizer._index_of[id(v)]] for v in variables]
    with torch.no_grad():
        if (step + 1) % steps:
            torch._foreach_add_(accumulators, grads)
            if optimizer._averages is not None:
                optimizer._update_averages(update_step)
        else:
            mean = torch._foreach_add(grads, accumulators)
            torch._foreach_div_(mean, float(steps))
            for accumulator in accumulators:
                accumulator.zero_()
            optimizer._apply_update(plan, mean, True, rate_step=step, update_step=update_step)
        optimizer._iterations.add_(1)


def _stem(variable):
    from tkeras.optimizers.optimizer import _stem as variable_stem
    return variable_stem(variable)
