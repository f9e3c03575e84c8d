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
with `add_loss` / `add_metric` as any layer may in `call` (tf-keras 2's AddLoss / AddMetric), after the
nodes it needs that the outputs did not (the `inputs - outputs` above). As in tf-keras 2, these layers join
`model.layers` and the model's config, so a saved and reloaded model computes them again. A model without
such losses runs exactly as before.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.core.tf_op_layers import AddLoss, AddMetric
from tkeras.utils import tree


def holds_keras_tensors(value):
    return any(isinstance(leaf, KerasTensor) for leaf in tree.flatten(value))


def add_symbolic_loss(model, losses):
    """`model.add_loss(tensor)` (or a list of them) over the model's graph: computed at every call."""
    for loss in tree.flatten(losses):
        if not isinstance(loss, KerasTensor):
            raise ValueError(f"Model {model.name!r}: add_loss received a list mixing symbolic tensors with "
                             f"{type(loss).__name__} {loss!r:.60}; give the symbolic losses on their own")
        _graft(model, AddLoss(name=f"{model.name}_added_loss"), loss)


def add_symbolic_metric(model, value, name, aggregation, reporter=None):
    """`model.add_metric(tensor, name=...)` over the model's graph: a Mean of it per epoch, named `name`.
    `reporter`: the AddMetric layer to graft (a loaded config's), else a new one."""
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
    if reporter is None:
        reporter = AddMetric(aggregation, name, name=f"{model.name}_added_metric_{name}")
    _graft(model, reporter, value)
    # Listed in `model.metrics` from now on, before any call, as tf-keras 2 lists it.
    trackers[name] = Mean(name=name)
    model.__dict__.setdefault("_tracked_metrics", []).append(trackers[name])


def graft_loaded_reporter(model, reporter, tensor):
    """An AddLoss / AddMetric layer of a loaded config, grafted as model.add_loss / add_metric grafts it."""
    if isinstance(reporter, AddMetric):
        add_symbolic_metric(model, tensor, reporter.metric_name, reporter.aggregation, reporter)
    else:
        _graft(model, reporter, tensor)


def _graft(model, reporter, tensor):
    from tkeras.models import functional, graph_order
    endpoint = reporter(tensor)
    endpoints = model.__dict__.setdefault("_endpoint_tensors", [])
    endpoints.append(endpoint)
    nodes = graph_order.nodes_in_order(model._input_tensors, model._output_tensors + endpoints)
    known = {id(layer) for layer in model._functional_layers} | {id(m) for m in model.modules()}
    for node in nodes:
        layer = node.layer
        if id(layer) not in known:  # the reporter and the nodes only the loss needs: trained, listed in losses
            known.add(id(layer))
            model.add_module(f"endpoint_{len(endpoints)}_{layer.name}".replace(".", "_"), layer)
            model._functional_layers.append(layer)
    model._node_ids |= {id(node) for node in nodes}
    functional._compile_plan(model, nodes)
    model._invalidate_caches()
