"""tf-keras 2's `add_loss(tensor)` on a Sequential model, the tensor written over the stack's outputs.

tf-keras 2 code builds a Sequential model, then adds a loss over one of its layers' outputs:

    model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2)])
    model.add_loss(tf.reduce_mean(model.layers[0].output))

In tf-keras 2 a Sequential model that knows its input is a graph network, and the loss is grafted onto
that graph as on a functional model (functional_endpoints.py): every call computes it again from that
call's activations, and fit and evaluate add it to the loss. Adding or popping a layer afterwards
rebuilds tf-keras' graph without the grafted losses, so they are dropped here too.

tkeras runs a Sequential model as a loop over its stack, so the loss's computation is cut out of the
graph at the stack's tensors it reads (the model's input, some layers' outputs) and made a small
functional model of its own, whose last step reports the value with `add_loss`. A model with such
losses keeps its layers' outputs during the call and feeds that model; other models run as before.
"""
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.layers.core.tf_op_layers import AddLoss
from tkeras.models import functional, graph_order
from tkeras.utils import tree


def add_symbolic_loss(model, losses):
    """`model.add_loss(tensor)` (or a list of them) over the stack's graph: computed at every call."""
    inputs, outputs, _ = model._symbolic_graph()
    stack_tensors = [inputs] + list(outputs)
    for loss in tree.flatten(losses):
        if not isinstance(loss, KerasTensor):
            raise ValueError(f"Sequential model {model.name!r}: add_loss received a list mixing symbolic tensors "
                             f"with {type(loss).__name__} {loss!r:.60}; give the symbolic losses on their own")
        positions = _stack_positions_read(loss, stack_tensors, model.name)
        reported = AddLoss(name=f"{model.name}_added_loss")(loss)
        endpoint = functional.Functional([stack_tensors[p] for p in positions], reported,
                                         name=f"{model.name}_added_loss_{len(_endpoints(model))}")
        _endpoints(model).append((endpoint, positions))
        model.add_module(f"added_loss_{len(_endpoints(model))}", endpoint)
    model._invalidate_caches()


def _stack_positions_read(loss, stack_tensors, model_name):
    """Where the loss reads the stack: 0 for the model's input, i + 1 for the output of layer i."""
    index_of = {id(tensor): position for position, tensor in enumerate(stack_tensors)}
    if id(loss) in index_of:
        return [index_of[id(loss)]]
    try:
        nodes = graph_order.nodes_in_order(stack_tensors, [loss])
    except ValueError as error:
        raise ValueError(f"Sequential model {model_name!r}: add_loss takes a tensor computed from the model's "
                         f"input or its layers' outputs; {error}") from None
    return sorted({index_of[id(t)] for node in nodes for t in node.input_tensors if id(t) in index_of})


def _endpoints(model):
    return model.__dict__.setdefault("_loss_endpoints", [])


def drop_added_losses(model):
    """Forget the grafted losses when the stack changes, as tf-keras 2's rebuilt graph does."""
    for endpoint, _ in model.__dict__.pop("_loss_endpoints", ()):
        for key, module in list(model._modules.items()):
            if module is endpoint:
                del model._modules[key]


def run_reporting(model, inputs):
    """Run the stack keeping each layer's output, then compute each grafted loss from the ones it reads."""
    values = [inputs]
    for layer in model._stack:
        values.append(layer(values[-1]))
    for endpoint, positions in model._loss_endpoints:
        endpoint([values[p] for p in positions])
    return values[-1]
