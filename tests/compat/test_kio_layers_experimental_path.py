"""`from tensorflow.keras.layers.experimental import RandomFourierFeatures` (keras-io's quasi_svm):
the old experimental path answers with tkeras.layers.experimental, which forwards every stable name."""
import importlib

import pytest

import tkeras


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def test_random_fourier_features_imports_from_the_experimental_path(aliases):
    for root in ("tensorflow.keras", "keras", "tf_keras"):
        module = importlib.import_module(f"{root}.layers.experimental")
        assert module.RandomFourierFeatures is tkeras.layers.experimental.RandomFourierFeatures


def test_stable_layers_stay_reachable_under_the_experimental_path(aliases):
    module = importlib.import_module("tensorflow.keras.layers.experimental")
    assert module.EinsumDense is tkeras.layers.EinsumDense
    assert module.preprocessing.Normalization is tkeras.layers.Normalization
    with pytest.raises(AttributeError, match="layers.experimental.NoSuchLayer"):
        module.NoSuchLayer
