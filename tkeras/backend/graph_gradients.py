"""Keras 2's `K.gradients(loss, variables)` on symbolic tensors: gradients as nodes of the graph.

Keras 2 code (TensorFlow 1 graphs) asks for the gradient of a symbolic loss with respect to a model's
input, a layer's output or its weights, computes more on it symbolically, and evaluates it with
`K.function`: filter visualization, DeepDream and style transfer optimize the input image, Grad-CAM in
"Deep Learning with Python" pools the gradient of a class score at the last convolution:

    grads = K.gradients(model.output[:, 386], last_conv_layer.output)[0]
    pooled = K.mean(grads, axis=(0, 1, 2))
    iterate = K.function([model.input], [pooled, last_conv_layer.output[0]])

Here each gradient is one recorded op of the graph (`gradient_of`) whose operands are the loss and the
tensor (or Variable) it is taken with respect to: when the graph runs, torch's autograd differentiates
the loss (summed, as tf.gradients does for a non-scalar one) through the forward pass just computed;
`K.function` feeds inputs that require gradients when its graph holds such an op
(`graph_function.py`). A tensor the loss does not depend on gets zeros (TensorFlow gives None there).
"""
import torch

from tkeras.backend.keras_tensor import KerasTensor, recorded_in_graphs


@recorded_in_graphs
def gradient_of(loss, wrt):
    """d(sum of loss)/d(wrt) inside a running graph; zeros where the loss does not depend on `wrt`
    (also when the graph recorder dry-runs the op on placeholders to learn its shape)."""
    if not (isinstance(loss, torch.Tensor) and loss.requires_grad and isinstance(wrt, torch.Tensor)
            and wrt.requires_grad and torch.is_grad_enabled()):
        return torch.zeros_like(wrt) if isinstance(wrt, torch.Tensor) else torch.zeros(())
    grad, = torch.autograd.grad(loss, wrt, grad_outputs=torch.ones_like(loss), retain_graph=True,
                                allow_unused=True)
    return torch.zeros_like(wrt) if grad is None else grad


def gradients(loss, variables):
    """`K.gradients`: one symbolic gradient per entry of `variables` (symbolic tensors or Variables)."""
    if not isinstance(loss, KerasTensor):
        raise NotImplementedError("K.gradients takes symbolic tensors (a model's or layer's output, K.* ops on "
                                  "them), as in TensorFlow 1 graphs; on eager values, as in TensorFlow 2, use "
                                  "tf.GradientTape (tkeras.GradientTape)")
    entries = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    for entry in entries:
        if not isinstance(entry, (KerasTensor, torch.Tensor)):
            raise TypeError(f"K.gradients: variables must be symbolic tensors or weights, received "
                            f"{type(entry).__name__}")
    return [gradient_of(loss, entry) for entry in entries]


def takes_input_gradients(model):
    """Whether a graph (the functional model K.function made) holds a `gradient_of` op."""
    return any(getattr(node, "operation", None) == _QUALIFIED_NAME for node in getattr(model, "operations", ()))


_QUALIFIED_NAME = f"{__name__}.gradient_of"
