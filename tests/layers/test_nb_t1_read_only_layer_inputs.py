"""Calling a layer on a read-only array (a pandas frame under copy-on-write: `normalizer(df.iloc[:3])` in the
pandas tutorial) gives the values without torch's 'non-writable tensors' warning, as TensorFlow does."""
import warnings

import numpy as np

from tkeras import layers


def test_layer_call_on_a_read_only_array_is_silent_and_exact():
    data = np.array([[1.0, 2.0], [3.0, 6.0]])
    data.setflags(write=False)
    rescale = layers.Rescaling(0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rescale(data)
    np.testing.assert_allclose(np.asarray(out), data * 0.5)
    assert not data.flags.writeable  # the caller's array is left as it was
