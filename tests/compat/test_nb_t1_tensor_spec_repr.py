"""TensorSpecs print as TensorFlow prints them: `dtype=tf.float32`, `shape=<unknown>`.

The segmentation tutorial shows `train_batches.map(add_sample_weights).element_spec`; the reference
texts were recorded from TensorFlow 2.21 by tests/fixtures/make_nb_t1_tensor_spec_repr_reference.py.
"""
import json
import os

import pytest

from tests.fixtures.make_nb_t1_tensor_spec_repr_reference import build_cases
from tkeras.compat import tf_namespace as tf

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_t1_tensor_spec_repr_reference.json")) as f:
    REFERENCE = json.load(f)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_repr_matches_tensorflow(name):
    assert repr(build_cases(tf)[name]) == REFERENCE[name]


def test_the_data_package_own_spec_prints_the_same():
    """keras.utils dataset makers can run before the tf namespace registers its TensorSpec (the time-series
    tutorial's `window.train.element_spec`); their fallback spec prints as TensorFlow does too."""
    import torch

    from tkeras.data.transformations_more import ElementSpec
    assert repr(ElementSpec((None, 3), torch.int64)) == REFERENCE["int64_matrix"]
