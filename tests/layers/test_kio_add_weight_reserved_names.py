"""`add_weight(name="weights")` (keras-io's tensorflow_numpy_models): a weight may carry a name the layer
class already uses for a property or method; it keeps that Keras name and the attribute stays intact."""
import numpy as np

import tkeras


class _NamedLikeAttributes(tkeras.layers.Layer):
    def build(self, input_shape):
        self.kernel_like = self.add_weight(name="weights", shape=(input_shape[-1], 3), initializer="ones")
        self.bias_like = self.add_weight(name="trainable", shape=(3,), initializer="ones")

    def call(self, x):
        return x @ self.kernel_like + self.bias_like


def test_weight_named_like_a_layer_property(tmp_path):
    layer = _NamedLikeAttributes()
    out = layer(np.ones((2, 4), "float32"))
    np.testing.assert_allclose(np.asarray(out), np.full((2, 3), 5.0))
    assert [w.name for w in layer.weights] == ["weights", "trainable"]
    assert layer.trainable is True and len(layer.trainable_weights) == 2

    model = tkeras.Sequential([tkeras.Input((4,)), _NamedLikeAttributes()])
    model.layers[0].set_weights([np.full((4, 3), 2.0, "float32"), np.zeros(3, "float32")])
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    clone = tkeras.Sequential([tkeras.Input((4,)), _NamedLikeAttributes()])
    clone.load_weights(path)
    np.testing.assert_allclose(clone.layers[0].get_weights()[0], np.full((4, 3), 2.0))
