"""keras.InputSpec with Keras 3.15.1's arguments, config and checks (values from real Keras)."""
import numpy as np
import pytest

import tkeras as keras


def test_keras_argument_order_and_config():
    spec = keras.InputSpec(None, (None, 3), axes={-1: 3})
    assert spec.ndim == 2 and spec.shape == (None, 3)
    # Keras 3.15.1: {'dtype': None, 'shape': (None, 3), 'ndim': 2, 'max_ndim': None, 'min_ndim': None,
    #                'axes': {-1: 3}, 'optional': False}
    assert spec.get_config() == {"dtype": None, "shape": (None, 3), "ndim": 2, "max_ndim": None, "min_ndim": None,
                                 "axes": {-1: 3}, "optional": False}
    assert keras.InputSpec.from_config(spec.get_config()).get_config() == spec.get_config()
    assert repr(spec) == "InputSpec(shape=(None, 3), ndim=2, axes={-1: 3})"
    assert keras.InputSpec is keras.layers.InputSpec


def test_a_layer_checks_its_spec_with_a_clear_message():
    class Fixed(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = keras.InputSpec(shape=(None, 3))

        def call(self, x):
            return x

    layer = Fixed(name="fixed")
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="'fixed'.*expected shape=\\(None, 3\\), found shape=\\(None, 4\\)"):
        layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="axes \\[5\\] do not exist"):
        keras.InputSpec(ndim=2, axes={5: 1})
