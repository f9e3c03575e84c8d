"""Losses and metrics that layers report from inside `call` (`add_loss`, Keras 2's `add_metric`).

They are values of one forward pass, so they are collected per outermost call: a new top-level call
clears the previous pass's, and `fit` takes the losses after its forward pass to add them to the
step's loss. `add_metric` values go to Mean trackers owned by the outermost model.
"""
import torch

from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.tensor import wrap_eager_output

# Losses added during the current outermost call, as (layer, value); cleared when a new one starts.
PENDING_LOSSES = []


def clear_pending_losses():
    for layer, _ in PENDING_LOSSES:
        layer._losses = []
    PENDING_LOSSES.clear()


# Values given to add_metric during the current outermost call, as (name, value).
PENDING_METRICS = []


def record_metric(layer, value, name, aggregation):
    """`layer.add_metric(value, name=...)`: the outermost model of the call owns the tracker (a
    `metrics.Mean` named `name`), so the value shows in its logs and `model.metrics` like a compiled
    metric, and resets with them. A value a metric object's call returned (`self.add_metric(self.acc(y,
    p))`) brings that metric along: it is logged under its own name with its own running result, as
    tf-keras 2 does."""
    source_metric = getattr(value, "_metric_obj", None)
    if source_metric is not None:
        name = source_metric.name
    elif not name:
        raise ValueError(f"Layer {layer.name!r}: add_metric needs name=, the name the metric is logged under "
                         f"(or the result of calling a keras.metrics.Metric, which brings its own name)")
    if aggregation not in (None, "mean"):
        raise ValueError(f"Layer {layer.name!r}: add_metric(aggregation=...) must be None or 'mean', "
                         f"received {aggregation!r}")
    PENDING_METRICS.append((name, value))


def layer_losses(layer):
    """`layer.losses`: the weights' regularization penalties (a weight two layers list, such as
    SpectralNormalization's kernel, penalized once) and the losses added during the last call, the
    layer's and its sublayers'."""
    result, seen = [], set()
    for each in layer._flatten_layers(include_self=True):
        for w in each._own_weights:
            if getattr(w, "regularizer", None) is not None and id(w) not in seen:
                seen.add(id(w))
                result.append(w.regularizer(w))
        result.extend(each._losses)
    if not (CALL_CONTEXT.depth or CALL_CONTEXT.raw):
        result = wrap_eager_output(result)  # user code reads them as tensors (float(), .numpy())
    return result


def record_added_metrics(owner):
    """Feed add_metric values into `owner`'s trackers (made on first sight; listed in `owner.metrics`).

    A value returned by a metric object's call was already counted by that metric, which becomes the
    tracker itself: its running result is what gets logged, not a mean of its per-batch results.
    """
    from tkeras.metrics import Mean
    trackers = owner.__dict__.setdefault("_added_metrics", {})
    for name, value in PENDING_METRICS:
        source_metric = getattr(value, "_metric_obj", None)
        tracker = trackers.get(name)
        if tracker is None:
            tracker = trackers[name] = source_metric or Mean(name=name)
            owner.__dict__.setdefault("_tracked_metrics", []).append(tracker)
        if source_metric is None:
            tracker.update_state(value.detach() if isinstance(value, torch.Tensor) else value)
    PENDING_METRICS.clear()


def pending_loss_values():
    """The pass's added losses, each summed to one float scalar as Keras 3 adds them to the step's loss:
    a per-sample loss (`add_loss(ctc_batch_cost(...))`, shape (batch, 1)) counts with its sum. They stay
    pending (the layers keep them for `model.losses`) until the next outermost call clears them."""
    return [_as_scalar_loss(value) for _, value in PENDING_LOSSES]


def _as_scalar_loss(value):
    if not isinstance(value, torch.Tensor):
        return value
    if not (value.is_floating_point() or value.is_complex()):
        value = value.to(torch.get_default_dtype())
    return value.sum() if value.dim() else value
