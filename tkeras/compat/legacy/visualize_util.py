"""Keras 1's `keras.utils.visualize_util`: `plot(model, to_file='model.png', show_shapes=False)`, which
Keras 2 renamed `keras.utils.plot_model`."""
from tkeras.utils import model_to_dot, plot_model  # noqa: F401 - model_to_dot kept its name


def plot(model, to_file="model.png", show_shapes=False, show_layer_names=True, **kwargs):
    return plot_model(model, to_file=to_file, show_shapes=show_shapes, show_layer_names=show_layer_names, **kwargs)
