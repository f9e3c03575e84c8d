"""TF 2.3-2.5 code spells the preprocessing layers `layers.experimental.preprocessing.X`."""
import pytest

import tkeras as keras
from tkeras.compat import import_hook


def test_tkeras_attribute_path():
    assert keras.layers.experimental.preprocessing.Normalization is keras.layers.Normalization
    assert keras.layers.experimental.preprocessing.StringLookup is keras.layers.StringLookup
    with pytest.raises(AttributeError, match="experimental.preprocessing.NoSuchLayer is not supported"):
        keras.layers.experimental.preprocessing.NoSuchLayer


def test_tensorflow_and_keras_import_paths():
    import_hook.install()
    try:
        import tensorflow as tf
        from keras.layers.experimental import preprocessing
        from tensorflow.keras.layers.experimental.preprocessing import CategoryEncoding, Rescaling
        assert tf.keras.layers.experimental.preprocessing.Normalization is keras.layers.Normalization
        assert preprocessing.IntegerLookup is keras.layers.IntegerLookup
        assert (Rescaling, CategoryEncoding) == (keras.layers.Rescaling, keras.layers.CategoryEncoding)
    finally:
        import_hook.uninstall()
