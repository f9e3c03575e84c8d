"""Unique auto-names (`dense`, `dense_1`, ...) as Keras hands them out, per process until clear_session."""
import gc
import re
import sys
from collections import defaultdict

_NAME_COUNTS = defaultdict(int)


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    # A digit does not start a new word, so Conv1D -> conv1d and MaxPooling2D -> max_pooling2d, as Keras.
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name.lstrip("_") or "layer"


def unique_name(base):
    count = _NAME_COUNTS[base]
    _NAME_COUNTS[base] += 1
    return base if count == 0 else f"{base}_{count}"


def get_uid(prefix=""):
    """Keras 3's `backend.get_uid`: count one more object named `prefix` and return the count (the
    counter auto-names share: after one Dense, `get_uid("dense")` is 2)."""
    _NAME_COUNTS[prefix] += 1
    return _NAME_COUNTS[prefix]


def clear_session(free_memory=True):
    """Reset Keras' global state (Keras 3's `clear_session()`): forget handed-out names, so the next
    Dense is `dense` again, and go back to the float32 dtype policy; `free_memory` also runs the
    garbage collector (and frees cached CUDA memory), which can take a moment in a tight loop."""
    _NAME_COUNTS.clear()
    policy = sys.modules.get("tkeras.mixed_precision.policy")
    if policy is not None:  # only loaded once some policy code ran
        policy.set_global_policy(None)
    if free_memory:
        gc.collect()
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            torch.cuda.empty_cache()
