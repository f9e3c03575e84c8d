"""One seed for Python, NumPy and torch, so runs on CPU repeat exactly."""
import random

import numpy as np
import torch


def set_random_seed(seed):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed expects an integer seed, received {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % (2 ** 32))
    torch.manual_seed(int(seed))
