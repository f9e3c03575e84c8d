"""Hands-On ML ch. 17's TimeEncoding layer takes `dtype=tf.float32` in its constructor and writes no
get_config; Keras records the constructor arguments anyway, the dtype by its name (tf-keras 2.21 gives
{'T': 10, 'embed_size': 4, 'dtype': 'float32', ...}), so ModelCheckpoint and save() work and reload."""
import numpy as np
import torch

import tkeras as keras


class TimeEncoding(keras.layers.Layer):
    def __init__(self, T, embed_size, dtype=torch.float32, **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        self.table = np.arange((T + 1) * embed_size, dtype="float32").reshape(T + 1, embed_size)

    def call(self, inputs):
        return keras.ops.take(keras.ops.convert_to_tensor(self.table), inputs, axis=0)


def test_dtype_argument_is_recorded_by_name():
    config = TimeEncoding(10, 4).get_config()
    assert (config["T"], config["embed_size"], config["dtype"]) == (10, 4, "float32")
    assert TimeEncoding.from_config(config).get_config() == config


def test_model_with_the_layer_saves_and_reloads(tmp_path):
    time_input = keras.layers.Input(shape=[], dtype="int32")
    model = keras.Model(time_input, TimeEncoding(10, 4)(time_input))
    path = str(tmp_path / "time_encoding.keras")
    model.save(path)
    restored = keras.models.load_model(path, custom_objects={"TimeEncoding": TimeEncoding})
    steps = np.array([0, 3])
    np.testing.assert_array_equal(np.asarray(restored(steps)), np.arange(44, dtype="float32").reshape(11, 4)[steps])
