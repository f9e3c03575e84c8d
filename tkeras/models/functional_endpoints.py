"""tf-keras 2's losses and metrics given to a functional model as symbolic tensors.

tf-keras 2 code builds a model, then adds a loss or a metric written over its graph's tensors:

    outputs = decoder(encoder(inputs))
    model = keras.Model(inputs, outputs)
    model.add_loss(ops.mean(ops.square(inputs - outputs)))
    model.add_metric(kl_divergence, name="kl")

The tensor holds no value: it stands for a computation over each batch, and tf-keras 2 grafts that
computation onto the model, so every call (each training step, each evaluation batch) computes the
loss again from that call's data, and the metric is logged under its name by fit and evaluate.
Keras 3 refuses both calls; tkeras runs Keras 2 code, so it does what tf-keras 2 did.

The graft is an extra step at the end of the model's plan: a weightless layer that reports its input
with `add_loss` / `add_metric` as any layer may in `call`, after the nodes it needs that the outputs
did not (the `inputs - outputs` above). A model without such losses runs exactly as before. The grafted
computation is not part of `get_config()`, as in tf-keras 2 a reloaded model has to be given it again.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.layer import Layer
from tkeras.utils import tree


class _ReportedLoss(Layer):
    """Hands its input to `add_loss` on every call (the step grafted for `model.add_loss(tensor)`)."""

    def call(self, inputs):
        self.add_loss(inputs)
        return inputs


class _ReportedMetric(Layer):
    """Hands its input to `add_metric` under `metric_name` on every call (for `model.add_metric(tensor)`)."""

    def __init__(self, metric_name, aggregation=None, **kwargs):
        super().__init__(**kwargs)
        self.metric_name = metric_name
        self.aggregation = aggregation

    def call(self, inputs):
        self.add_metric(inputs, name=self.metric_name, aggregation=self.aggregation)
        return inputs


def holds_keras_tensors(value):
    return any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(value))


def add_symbolic_loss(model, losses):
    """`model.add_loss(tensor)` (or a list of them) over the model's graph: computed at every call."""
    for loss in tree.flatten(losses):
        if not isinstance(loss, KerasTensor):
            raise ValueError(f"Model {model.name!r}: add_loss received a list mixing symbolic tensors with "
                             f"{type(loss).__name__} {loss!r:.60}; give the symbolic losses on their own")
        _graft(model, _ReportedLoss(name=f"{model.name}_added_loss"), loss)


def add_symbolic_metric(model, value, name, aggregation):
    """`model.add_metric(tensor, name=...)` over the model's graph: a Mean of it per epoch, named `name`."""
    from tkeras.metrics import Mean
    if not name:
        raise ValueError(f"Model {model.name!r}: add_metric needs name=, the name the metric is logged under")
    if aggregation not in (None, "mean"):
        raise ValueError(f"Model {model.name!r}: add_metric(aggregation=...) must be None or 'mean', "
                         f"received {aggregation!r}")
    if not isinstance(value, KerasTensor):
        raise ValueError(f"Model {model.name!r}: add_metric(name={name!r}) takes one symbolic tensor, received "
                         f"{type(value).__name__}")
    trackers = model.__dict__.setdefault("_added_metrics", {})
    if name in trackers:
        raise ValueError(f"Model {model.name!r}: a metric named {name!r} was already added; "
                         f"give each add_metric a different name=")
    _graft(model, _ReportedMetric(name, aggregation, name=f"{model.name}_added_metric_{name}"), value)
    # Listed in `model.metrics` from now on, before any call, as tf-keras 2 lists it.
    trackers[name] = Mean(name=name)
    model.__dict__.setdefault("_tracked_metrics", []).append(trackers[name])


def _graft(model, reporter, tensor):
    from tkeras.models import functional
    endpoint = reporter(tensor)
    endpoints = model.__dict__.setdefault("_endpoint_tensors", [])
    endpoints.append(endpoint)
    nodes = functional._nodes_in_order(model._input_tensors, model._output_tensors + endpoints)
    known = {id(layer) for layer in model._functional_layers} | {id(m) for m in model.modules()}
    for node in nodes:
        layer = node.layer
        if id(layer) not in known:  # the reporter and the nodes only the loss needs: trained, listed in losses
            known.add(id(layer))
            model.add_module(f"endpoint_{len(endpoints)}_{layer.name}".replace(".", "_"), layer)
    functional._compile_plan(model, nodes)
    model._invalidate_caches()
