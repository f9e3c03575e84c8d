"""`tf.gradients(ys, xs)`: TensorFlow 1's graph gradients, as old code and functional-graph code call it.

On symbolic tensors (a model's output against its input, later evaluated by `K.function`) it is
`K.gradients` (backend/graph_gradients.py): gradient ops in the graph, the `ys` summed as TensorFlow
does, each weighted by its `grad_ys` entry. On tensors with an autograd history (inside a layer's call)
it is torch's autograd, keeping the graph so the result can be trained through. TensorFlow 2 refuses it
eagerly; so does tkeras for tensors that carry no history, with TensorFlow's advice.
"""
import torch

from tkeras.backend import graph_gradients
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
    if not all(isinstance(y, torch.Tensor) and y.requires_grad for y in ys) or not all(
            isinstance(x, torch.Tensor) and x.requires_grad for x in xs):
        raise RuntimeError("tf.gradients is not supported when eager execution is enabled (as in TensorFlow 2): "
                           "the tensors carry no gradient history. Use tf.GradientTape instead, or K.gradients "
                           "on a model's symbolic tensors")
    grad_outputs = [torch.ones_like(y) if w is None else torch.as_tensor(w, dtype=y.dtype) for y, w in zip(ys, weights)]
    grads = torch.autograd.grad(ys, xs, grad_outputs=grad_outputs, retain_graph=True,
                                create_graph=torch.is_grad_enabled(), allow_unused=True)
    return [torch.zeros_like(x) if g is None and zero_when_unconnected else g for g, x in zip(grads, xs)]
