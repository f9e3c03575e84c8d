"""`tf.gradients(ys, xs)`: TensorFlow 1's graph gradients, as old code and functional-graph code call it.

On symbolic tensors (a model's output against its input, later evaluated by `K.function`) it is
`K.gradients` (backend/graph_gradients.py): gradient ops in the graph, the `ys` summed as TensorFlow
does, each weighted by its `grad_ys` entry. On tensors with an autograd history (inside a layer's call)
it is torch's autograd, keeping the graph so the result can be trained through. Asked inside a layer of a
functional model with respect to the model's own tensors (keras-io's eikonal example, physics-informed
nets), the sources have no history on the model's first run: the request goes to the model, which makes
those tensors differentiable and runs again (backend/gradient_sources.py); on the shape dry run the answer
is zeros. TensorFlow 2 refuses it eagerly; so does tkeras for tensors that carry no history elsewhere,
with TensorFlow's advice.
"""
import torch

from tkeras.backend import graph_gradients
from tkeras.backend.gradient_sources import GradientSourcesNeeded
from tkeras.backend.stateless_scope import in_symbolic_scope
from tkeras.backend.keras_tensor import KerasTensor


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False, aggregation_method=None,
              stop_gradients=None, unconnected_gradients="none"):
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    weights = list(grad_ys) if isinstance(grad_ys, (list, tuple)) else [grad_ys] * len(ys)
    zero_when_unconnected = str(getattr(unconnected_gradients, "value", unconnected_gradients)).lower() == "zero"
    if any(isinstance(y, KerasTensor) for y in ys):
        weighted = [y if w is None else y * w for y, w in zip(ys, weights)]
        result = []
        for x in xs:
            total = None
            for y in weighted:
                grad = graph_gradients.gradient_of(y, x)
                total = grad if total is None else total + grad
            result.append(total)
        return result
    if not all(isinstance(x, torch.Tensor) and x.requires_grad for x in xs):
        if in_symbolic_scope() and all(isinstance(x, torch.Tensor) for x in xs):
            return [torch.zeros_like(x) for x in xs]  # a shape dry run: the gradient has its source's shape
        raise GradientSourcesNeeded(
            "tf.gradients is not supported when eager execution is enabled (as in TensorFlow 2): the tensors "
            "carry no gradient history. Use tf.GradientTape instead, or K.gradients on a model's symbolic "
            "tensors", [x for x in xs if isinstance(x, torch.Tensor)])
    if not any(isinstance(y, torch.Tensor) and y.requires_grad for y in ys):
        return [torch.zeros_like(x) if zero_when_unconnected else None for x in xs]
    ys, weights = zip(*[(y, w) for y, w in zip(ys, weights) if isinstance(y, torch.Tensor) and y.requires_grad])
    grad_outputs = [torch.ones_like(y) if w is None else torch.as_tensor(w, dtype=y.dtype) for y, w in zip(ys, weights)]
    grads = torch.autograd.grad(ys, xs, grad_outputs=grad_outputs, retain_graph=True,
                                create_graph=torch.is_grad_enabled(), allow_unused=True)
    return [torch.zeros_like(x) if g is None and zero_when_unconnected else g for g, x in zip(grads, xs)]
