"""fit/evaluate/predict's `batch_size` and `steps_per_epoch`/`steps` as counts, or a ValueError naming the
argument: checked once per call, before any data is touched."""
import math
import operator

import numpy as np


def checked_batch_size(batch_size):
    if batch_size is None:
        return None
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer (or None for 32), received {batch_size!r} "
                         f"of type {type(batch_size).__name__}")
    return int(batch_size)


def checked_steps(steps):
    """steps_per_epoch / steps as a count. tf-keras 2 takes a float and runs up to it, so the common
    `steps_per_epoch=np.ceil(n / batch_size)` (a NumPy float) means that many steps, and 2.5 means 3."""
    if steps is None:
        return None
    try:
        return operator.index(steps)  # ints, NumPy ints, 0-d integer arrays and tensors
    except TypeError:
        pass
    try:
        count = float(steps)
    except (TypeError, ValueError):
        count = math.nan
    if math.isfinite(count) and count > 0:
        return math.ceil(count)
    raise ValueError(f"steps_per_epoch / steps must be a positive number of batches (or None), received "
                     f"{steps!r} of type {type(steps).__name__}")
