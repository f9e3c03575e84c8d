"""`keras.initializers.Constant(array)`: the array fills the variable (broadcast to its shape), as in
Keras 3; keras-io's movielens example initializes a frozen Embedding with a genres matrix."""
import numpy as np

import tkeras as keras


def test_embedding_initialized_from_a_matrix():
    genres = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    layer = keras.layers.Embedding(4, 3, embeddings_initializer=keras.initializers.Constant(genres), trainable=False)
    np.testing.assert_array_equal(np.asarray(layer(np.array([[2], [0]]))), genres[[2, 0]][:, None, :])
    assert str(layer.embeddings.dtype).endswith("float32")


def test_broadcast_and_config_round_trip_in_keras_format():
    row = np.array([1.5, -2.0])
    init = keras.initializers.Constant(row)
    np.testing.assert_array_equal(np.asarray(init((3, 2))), np.tile(row, (3, 1)))
    config = init.get_config()
    assert config == {"value": {"class_name": "__numpy__", "config": {"value": [1.5, -2.0], "dtype": "float64"}}}
    np.testing.assert_array_equal(np.asarray(keras.initializers.Constant.from_config(config)((2,))), row)
    assert keras.initializers.Constant(2.0).get_config() == {"value": 2.0}
