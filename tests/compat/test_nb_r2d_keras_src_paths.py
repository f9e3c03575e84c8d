"""Keras 3's private `keras.src.*` paths and its `keras.random` module under the import hook.

KerasTuner 1.4 (the tuner of DLwP 2/3 ch13/18, Hands-On ML 3 ch10 and tensorflow.org's keras_tuner
tutorial) imports these when `keras.version()` starts with "3.": `from keras import *` for the API
packages, `from keras.src.ops import *` (it calls cast/equal/shape/where) and `from keras.random import
*` (randint/uniform). None of this needs KerasTuner itself.
"""
import importlib
import types

import numpy as np
import pytest

import tkeras


@pytest.fixture
def aliases():
    from tkeras import compat
    compat.install()
    yield
    compat.uninstall()


def _star(module):
    namespace = {}
    exec(f"from {module} import *", namespace)
    return namespace


def test_keras_src_ops_is_tkeras_ops(aliases):
    src_ops = importlib.import_module("keras.src.ops")
    for name in ("cast", "equal", "shape", "where", "matmul"):
        assert getattr(src_ops, name) is getattr(tkeras.ops, name)
    namespace = _star("keras.src.ops")
    assert namespace["cast"] is tkeras.ops.cast and namespace["where"] is tkeras.ops.where
    np.testing.assert_array_equal(np.asarray(namespace["equal"](np.array([1, 2]), np.array([1, 3]))), [True, False])


@pytest.mark.parametrize("private, public", [
    ("keras.src.ops.numpy", "tkeras.ops.numpy"),
    ("keras.src.random", "tkeras.ops.random"),
    ("keras.src.models.functional", "tkeras.models.functional"),
    ("keras.src", "tkeras"),
    ("tf_keras.src.engine.base_layer", "tkeras.layers"),  # tf-keras 2.16+ keeps Keras 2's layout below src
    ("tensorflow.keras.src.layers", "tkeras.layers"),
])
def test_private_src_paths_map_as_their_public_twin(aliases, private, public):
    module = importlib.import_module(private)
    assert module._tkeras_target is importlib.import_module(public)


def test_private_names_keras_tuner_uses_resolve(aliases):
    from keras.src.ops import cast, equal, shape, where
    from tf_keras.src.engine.base_layer import Layer
    assert Layer is tkeras.layers.Layer
    assert shape(np.zeros((2, 3))) == (2, 3)
    # as KerasTuner's RandAugment picks one transform per sample: where(equal(i, choice), ...)
    labels = cast(np.array([0.0, 2.0, 2.0]), "int32")
    np.testing.assert_array_equal(np.asarray(where(equal(labels, 2), 1, 0)), [0, 1, 1])


def test_keras_random_is_an_importable_module(aliases):
    namespace = _star("keras.random")
    randint, uniform = namespace["randint"], namespace["uniform"]
    draws = np.asarray(randint((1000,), 0, 3, seed=1))
    assert set(np.unique(draws)) <= {0, 1, 2} and draws.dtype.kind == "i"
    values = np.asarray(uniform((1000,), minval=2.0, maxval=3.0, seed=1))
    assert values.min() >= 2.0 and values.max() < 3.0
    assert importlib.import_module("keras.distribution")._tkeras_target is importlib.import_module("tkeras.distribute")


def test_star_import_of_keras_binds_its_api_packages(aliases):
    namespace = _star("keras")
    for name in ("layers", "ops", "random", "callbacks", "models", "optimizers", "saving", "utils", "config"):
        assert isinstance(namespace[name], types.ModuleType), name
    assert namespace["layers"].Dense is tkeras.layers.Dense
    assert namespace["callbacks"].EarlyStopping is tkeras.callbacks.EarlyStopping
    assert namespace["Model"] is tkeras.Model and namespace["Sequential"] is tkeras.Sequential
    assert namespace["version"]().startswith("3.")
    # tkeras' own packages are no Keras API and stay out of the user's namespace
    assert not {"data", "training", "compat"} & set(namespace)


def test_star_import_of_layers_still_leaves_out_implementation_modules(aliases):
    namespace = _star("keras.layers")
    assert namespace["Dense"] is tkeras.layers.Dense
    assert not [name for name, value in namespace.items()
                if isinstance(value, types.ModuleType) and name not in ("experimental", "__builtins__")]
