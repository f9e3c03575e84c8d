"""A batch() without drop_remainder leaves the batch dimension None in TensorFlow's element_spec, and the
transformations that keep the batching (map, shuffle, repeat, take/skip, cache, filter, prefetch,
with_options) keep it None: keras-io's point-cloud and dehazing examples print the spec after
`batch(...).map(augment)` / `.repeat(1).prefetch(...)`. Shapes as TensorFlow 2.21 reports them."""
import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


def _shapes(dataset):
    return [spec.shape for spec in dataset.element_spec]


def _rows():
    return tf.data.Dataset.from_tensor_slices((np.zeros((10, 4), "float32"), np.arange(10)))


@pytest.mark.parametrize("transform", [
    lambda d: d.map(lambda x, y: (x * 2, y)),
    lambda d: d.repeat(2),
    lambda d: d.shuffle(3),
    lambda d: d.take(1),
    lambda d: d.skip(1),
    lambda d: d.cache(),
    lambda d: d.filter(lambda x, y: True),
    lambda d: d.prefetch(tf.data.AUTOTUNE),
    lambda d: d.with_options(tf.data.Options()),
    lambda d: d.map(lambda x, y: (x, y)).repeat(1).prefetch(2),
])
def test_open_batch_dimension_survives(transform):
    assert _shapes(transform(_rows().batch(4))) == [(None, 4), (None,)]


def test_dropped_remainder_and_unbatched_stay_static():
    assert _shapes(_rows().batch(4, drop_remainder=True).map(lambda x, y: (x, y)).repeat(2)) == [(4, 4), (4,)]
    assert _shapes(_rows().batch(4).unbatch()) == [(4,), ()]
    assert _shapes(_rows().shuffle(3).map(lambda x, y: (x, y))) == [(4,), ()]
