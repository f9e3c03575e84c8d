"""Gradients with respect to values that carry no autograd history yet: a model input asked for inside a layer.

Physics-informed nets and keras-io's eikonal example differentiate a functional model's output with
respect to its own inputs inside one of its layers (`Lambda(lambda t: tf.gradients(t[0], t[1]))`). In
Keras on TensorFlow the whole model is one graph, so that gradient is just more graph. Here the inputs
arrive as plain tensors, so autograd has recorded nothing between them and the output by the time the
layer asks. Two places cooperate instead:

- the gradient function, finding a source without history, raises `GradientSourcesNeeded` naming the
  very tensors it was given (on the shape dry run it answers zeros instead: shapes are all that counts
  there);
- the functional model running the layer finds those tensors among its slots, remembers the slots,
  and runs again with them made differentiable before any layer reads them
  (`tkeras/models/input_gradients.py`). Every later run does so from the start.

Outside a functional model the error reaches the user with TensorFlow 2's advice.
"""


class GradientSourcesNeeded(RuntimeError):
    """A gradient was asked with respect to `sources`, which carry no autograd history."""

    def __init__(self, message, sources):
        super().__init__(message)
        self.sources = list(sources)
