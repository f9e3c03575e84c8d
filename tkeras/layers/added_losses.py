"""Losses and metrics that layers report from inside `call` (`add_loss`, Keras 2's `add_metric`).

They are values of one forward pass, so they are collected per outermost call: a new top-level call
clears the previous pass's, and `fit` takes the losses after its forward pass to add them to the
step's loss. `add_metric` values go to Mean trackers owned by the outermost model.
"""
import torch

# Losses added during the current outermost call, as (layer, value); cleared when a new one starts.
PENDING_LOSSES = []


def clear_pending_losses():
    for layer, _ in PENDING_LOSSES:
        layer._losses = []
    PENDING_LOSSES.clear()


# Values given to add_metric during the current outermost call, as (name, value).
PENDING_METRICS = []


def record_added_metrics(owner):
    """Feed add_metric values into `owner`'s trackers (made on first sight; listed in `owner.metrics`)."""
    from tkeras.metrics import Mean
    trackers = owner.__dict__.setdefault("_added_metrics", {})
    for name, value in PENDING_METRICS:
        tracker = trackers.get(name)
        if tracker is None:
            tracker = trackers[name] = Mean(name=name)
            owner.__dict__.setdefault("_tracked_metrics", []).append(tracker)
        tracker.update_state(value.detach() if isinstance(value, torch.Tensor) else value)
    PENDING_METRICS.clear()


def take_pending_losses():
    """The pass's added losses, each summed to one float scalar as Keras 3 adds them to the step's loss:
    a per-sample loss (`add_loss(ctc_batch_cost(...))`, shape (batch, 1)) counts with its sum."""
    values = [_as_scalar_loss(value) for _, value in PENDING_LOSSES]
    clear_pending_losses()
    return values


def _as_scalar_loss(value):
    if not isinstance(value, torch.Tensor):
        return value
    if not (value.is_floating_point() or value.is_complex()):
        value = value.to(torch.get_default_dtype())
    return value.sum() if value.dim() else value
