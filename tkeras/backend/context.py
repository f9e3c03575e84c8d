"""The call context: whether the current forward pass is training, as Keras propagates it.

A layer whose `call` takes `training` gets the value its caller passed, or, when nobody passed one,
the value of the enclosing call (fit sets True; predict and plain `model(x)` leave it False).
"""


class _CallContext:
    __slots__ = ("training", "depth", "raw")

    def __init__(self):
        self.training = None
        self.depth = 0
        # True inside fit/evaluate/predict: outputs stay plain torch tensors (no eager wrapper).
        self.raw = False


CALL_CONTEXT = _CallContext()


def in_training():
    return bool(CALL_CONTEXT.training)
