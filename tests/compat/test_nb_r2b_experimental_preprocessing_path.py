"""`tf.keras.layers.experimental.preprocessing` (TF 2.3-2.5 tutorials) under the import hook: every
layer of `keras.layers` by its old path, and tf-keras 2's `PreprocessingLayer` base class, which only
that path has, by import, by attribute, in `dir()` and through `import *`."""
import importlib

import pytest

import tkeras


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def test_old_preprocessing_path(aliases):
    from tkeras.layers.preprocessing.preprocessing_layer import PreprocessingLayer
    module = importlib.import_module("tensorflow.keras.layers.experimental.preprocessing")
    assert module.PreprocessingLayer is PreprocessingLayer
    assert module.Normalization is tkeras.layers.Normalization and module.RandomFlip is tkeras.layers.RandomFlip
    assert {"PreprocessingLayer", "Normalization", "Rescaling"} <= set(dir(module))
    namespace = {}
    exec("from tensorflow.keras.layers.experimental.preprocessing import *", namespace)
    assert namespace["Rescaling"] is tkeras.layers.Rescaling
    tf = importlib.import_module("tensorflow")
    assert tf.keras.layers.experimental.preprocessing.PreprocessingLayer is PreprocessingLayer
