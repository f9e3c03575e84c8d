"""Two tf.keras 2.11-2.15 spellings keras-io's Focal Modulation network uses:
`from tensorflow.keras.optimizers.experimental import AdamW` (the module import, not only the attribute)
and `tf.split(value=..., num_or_size_splits=[...], axis=-1)` with TensorFlow's argument names.
"""
import numpy as np
import pytest

import tkeras


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


@pytest.mark.parametrize("name", ["AdamW", "Adam", "SGD", "RMSprop"])
def test_experimental_optimizers_module_import(aliases, name):
    namespace = {}
    exec(f"from tensorflow.keras.optimizers.experimental import {name}", namespace)
    assert namespace[name] is getattr(tkeras.optimizers, name)


def test_split_by_keyword_sizes_and_equal_parts():
    from tkeras.compat import tf_namespace as tf
    values = np.arange(24, dtype="float32").reshape(2, 2, 6)
    query, context, gates = tf.split(value=values, num_or_size_splits=[2, 3, 1], axis=-1)
    for piece, expected in zip((query, context, gates), np.split(values, [2, 5], axis=-1)):
        np.testing.assert_array_equal(np.asarray(piece), expected)
    halves = tf.split(values, 2, axis=1)
    np.testing.assert_array_equal(np.asarray(halves[1]), values[:, 1:])


def test_split_by_keyword_in_a_functional_graph():
    from tkeras.compat import tf_namespace as tf
    inputs = tkeras.Input((6,))
    first, second = tf.split(value=inputs, num_or_size_splits=[4, 2], axis=-1)
    model = tkeras.Model(inputs, [first, second])
    assert [tuple(o.shape) for o in model.outputs] == [(None, 4), (None, 2)]
    out = model.predict(np.ones((3, 6), "float32"), verbose=0)
    assert [o.shape for o in out] == [(3, 4), (3, 2)]
