"""1-D conv and pooling layers with data_format=None follow keras.config.image_data_format(), as in
Keras 3 (keras-io's SSVEPFormer example sets channels_first and feeds (batch, channels, steps) to
Conv1D); outputs recorded from Keras 3 by tests/fixtures/make_kio_channels_first_1d_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras

_PATH = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_channels_first_1d_reference.json")
with open(_PATH) as f:
    REFERENCE = json.load(f)


def _make(name):
    return {
        "conv_valid": lambda: keras.layers.Conv1D(4, 3),
        "conv_causal_dilated": lambda: keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
        "conv_same_strided": lambda: keras.layers.Conv1D(4, 3, padding="same", strides=2),
        "max_pool": lambda: keras.layers.MaxPooling1D(2),
        "average_pool_same": lambda: keras.layers.AveragePooling1D(3, strides=2, padding="same"),
        "global_average": lambda: keras.layers.GlobalAveragePooling1D(),
        "global_max_keepdims": lambda: keras.layers.GlobalMaxPooling1D(keepdims=True),
    }[name]()


@pytest.fixture
def channels_first():
    before = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    yield
    keras.config.set_image_data_format(before)


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_matches_keras_under_global_channels_first(channels_first, name):
    case = REFERENCE["cases"][name]
    inputs = np.array(REFERENCE["inputs"], dtype="float32")
    layer = _make(name)
    assert layer.data_format == case["data_format"] == "channels_first"
    layer.build(inputs.shape)
    if name.startswith("conv"):
        layer.set_weights([np.array(REFERENCE["kernel"], "float32"), np.array(REFERENCE["bias"], "float32")])
    np.testing.assert_allclose(np.asarray(layer(inputs)), np.array(case["output"]), rtol=1e-5, atol=1e-5)
    assert layer.get_config()["data_format"] == "channels_first"


def test_explicit_channels_last_still_wins(channels_first):
    layer = keras.layers.Conv1D(2, 3, data_format="channels_last")
    assert layer.data_format == "channels_last"
    assert tuple(layer(np.zeros((1, 5, 3), "float32")).shape) == (1, 3, 2)
    assert keras.layers.MaxPooling1D(data_format="channels_last").data_format == "channels_last"


def test_keras1_th_dim_ordering_leaves_1d_layers_channels_last():
    """Keras 1's set_image_dim_ordering('th') was about images: its 1-D layers kept (steps, features)."""
    import tkeras as keras
    from tkeras import backend as K
    previous = keras.config.image_data_format()
    try:
        K.set_image_dim_ordering("th")
        assert keras.config.image_data_format() == "channels_first"
        assert keras.layers.Conv1D(2, 3).data_format == "channels_last"
        assert keras.layers.MaxPooling1D().data_format == "channels_last"
        assert keras.layers.GlobalAveragePooling1D().data_format == "channels_last"
        assert keras.layers.Conv2D(2, 3).data_format == "channels_first"
        keras.config.set_image_data_format("channels_first")  # Keras 3's call: 1-D layers follow it
        assert keras.layers.Conv1D(2, 3).data_format == "channels_first"
    finally:
        keras.config.set_image_data_format(previous)
