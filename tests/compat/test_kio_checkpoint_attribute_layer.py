"""tf.train.Checkpoint of a layer whose __init__ never called Layer.__init__, holding a bare tf.Variable
(keras-io guides/serialization_and_saving.py, tf.keras era): TensorFlow tracks such an object by its
attributes, so the value is saved under `layer/var/...` (the attribute's name, not the variable's)
and restored into a fresh instance."""
import numpy as np

import tkeras as keras
from tkeras.compat import tf_namespace as tf


class BareLayer(keras.layers.Layer):
    def __init__(self, a):  # no super().__init__(), as in the guide
        self.var = tf.Variable(a, name="var_a")


def test_saved_under_the_attribute_name_and_restored(tmp_path):
    layer = BareLayer(5)
    layer.var.assign(2)
    path = tf.train.Checkpoint(layer=layer).save(str(tmp_path / "custom_layer"))
    assert path.endswith("custom_layer-1")
    keys = tf.train.load_checkpoint(path).get_variable_to_dtype_map()
    assert "layer/var/.ATTRIBUTES/VARIABLE_VALUE" in keys
    fresh = BareLayer(0)
    tf.train.Checkpoint(layer=fresh).restore(path).assert_consumed()
    assert int(np.asarray(fresh.var)) == 2
