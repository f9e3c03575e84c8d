"""Loads tests/fixtures/gqa_norms_pools_reference.npz (real Keras 3.15.1 outputs for fixed weights,
made by tests/fixtures/make_gqa_norms_pools_reference.py) for the layer tests that compare with it."""
import functools
import os

import numpy as np
import torch

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures",
                       "gqa_norms_pools_reference.npz")


@functools.lru_cache(maxsize=None)
def reference():
    with np.load(FIXTURE) as data:
        return {key: data[key] for key in data.files}


def weights(case):
    """The weights Keras used for `case`, in its get_weights() order."""
    data = reference()
    count = sum(1 for key in data if key.startswith(f"{case}/w") and key[len(case) + 2:].isdigit())
    return [data[f"{case}/w{i}"] for i in range(count)]


def numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def assert_matches_keras(actual, case_key, atol=1e-5):
    np.testing.assert_allclose(numpy(actual), reference()[case_key], atol=atol, rtol=1e-5)
