"""Rematerialization: keep fewer activations for the backward pass and recompute them instead.

`remat(f)` runs `f` under `torch.utils.checkpoint` (non-reentrant), so autograd stores only f's
inputs and re-runs f during backward. `RematScope` marks the layers created inside it: they run
their call (or only their activation, or only when their output is large, or only if named) that way;
the decision lives in `layers/layer_remat.py`.
"""
import threading

import torch.utils.checkpoint

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_STATE = threading.local()


def remat(f):
    """`f` wrapped so its intermediate results are recomputed in the backward pass instead of stored."""
    if not callable(f):
        raise TypeError(f"remat: expected a function or layer to wrap; received {f!r}")

    def rematerialized(*args, **kwargs):
        return torch.utils.checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    rematerialized.__wrapped__ = f
    return rematerialized


class RematScope:
    """Layers created inside apply `remat` according to `mode`: "full" (the whole call), "activations"
    (the activation function only), "larger_than" (calls whose output has more than
    `output_size_threshold` elements), "list_of_layers" (layers named in `layer_names`), or None (off,
    also inside an outer scope)."""

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(f"RematScope: unknown mode={mode!r}; expected one of {list(_MODES)}")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])
        self._pushed = False

    def __enter__(self):
        if not hasattr(_STATE, "scopes"):
            _STATE.scopes = []
        _STATE.scopes.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc_info):
        if self._pushed:
            _STATE.scopes.pop()
            self._pushed = False
        return False


def current_remat_scope():
    """The innermost RematScope with a mode (None when there is none, or the innermost says None)."""
    scopes = getattr(_STATE, "scopes", None)
    if not scopes or scopes[-1].mode is None:
        return None
    return scopes[-1]
