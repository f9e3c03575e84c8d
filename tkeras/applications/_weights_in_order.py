"""Weights for the families whose layers carry automatic names (InceptionV3, Xception,
InceptionResNetV2, NASNet): loaded in layer order, as Keras 3 loads every Keras 2 `.h5` file.

Automatic names depend on how many layers of a kind the process made before (`conv2d_94` in a
fresh process, `conv2d_188` in the second model, and Keras 2 started at `conv2d_1` when the published
files were written), so matching those layers by name cannot work; their order is fixed by the
architecture instead.
"""
import os

from tkeras.applications import weights as published


def load_weights_in_order(model, weights, *, fname, origin, file_hash):
    """None: keep the initial values; "imagenet": Keras' published file; else a weights file path."""
    if weights is None:
        return model
    if isinstance(weights, str) and weights == published.IMAGENET:
        path = published.get_weights_path(fname, origin, file_hash)
    else:
        path = os.fspath(weights)
        if not os.path.isfile(path):
            raise published.WeightsFileNotFoundError(f"{model.name}: the weights file {path!r} does not exist")
    model.load_weights(path)
    return model
