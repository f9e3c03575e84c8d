"""TF 2.3-2.5 code spells the preprocessing layers `layers.experimental.preprocessing.X`."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.compat import import_hook


def test_tkeras_attribute_path():
    assert keras.layers.experimental.preprocessing.Normalization is keras.layers.Normalization
    assert keras.layers.experimental.preprocessing.StringLookup is keras.layers.StringLookup
    assert keras.layers.experimental.preprocessing.HashedCrossing is keras.layers.HashedCrossing  # tf-keras 2.7+
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


class _RunningMean(keras.layers.experimental.preprocessing.PreprocessingLayer):
    """A tf-keras 2 style adaptable layer: subtracts the mean learned by adapt()."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batches = []
        self.total = self.count = 0.0
        self.mean = None

    def update_state(self, data):
        data = np.asarray(data, dtype="float64")
        self.batches.append(len(data))
        self.total += data.sum()
        self.count += data.size

    def reset_state(self):
        self.batches, self.total, self.count, self.mean = [], 0.0, 0.0, None

    def finalize_state(self):
        self.mean = self.total / self.count

    def call(self, inputs):
        return inputs - float(self.mean)


def test_preprocessing_layer_adapts_in_batches_and_tracks_is_adapted():
    from tkeras.compat.tf_namespace import data as tf_data
    layer = _RunningMean()
    assert not layer.is_adapted
    values = np.arange(70, dtype="float32")
    layer.adapt(values)  # arrays are split into batches of 32, as in tf-keras
    assert layer.batches == [32, 32, 6] and layer.is_adapted and layer.mean == values.mean()
    np.testing.assert_allclose(np.asarray(layer(np.array([34.5, 40.5], "float32"))), [0.0, 6.0])
    layer.adapt(values, batch_size=50, steps=1)  # built by the call above: reset first, then one batch
    assert layer.batches == [50] and layer.mean == values[:50].mean()
    layer.adapt(tf_data.Dataset.from_tensor_slices(values).batch(20))
    assert layer.batches == [20, 20, 20, 10]
    layer.reset_state()
    assert not layer.is_adapted and layer.mean is None
    with pytest.raises(ValueError, match="_RunningMean.adapt: `batch_size` applies to array data"):
        layer.adapt(tf_data.Dataset.from_tensor_slices(values).batch(20), batch_size=5)


def test_preprocessing_layer_without_update_state_says_what_to_implement():
    class Incomplete(keras.layers.experimental.preprocessing.PreprocessingLayer):
        def reset_state(self):
            pass

    with pytest.raises(NotImplementedError, match="Incomplete: a PreprocessingLayer subclass must implement "
                                                  r"update_state\(data\)"):
        Incomplete().adapt(np.zeros(3))
