"""Unique auto-names (`dense`, `dense_1`, ...) as Keras hands them out, per process until clear_session."""
import re
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


def clear_session():
    """Forget handed-out names (Keras' `K.clear_session()`), so the next Dense is `dense` again."""
    _NAME_COUNTS.clear()
