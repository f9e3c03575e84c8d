"""`dir(keras.<module>)` lists the module's API, not the helpers tkeras imports for its own code.

Hands-On ML 2 (ch. 11) prints `[m for m in dir(keras.activations) if not m.startswith("_")]` to show
the activations there are; tkeras listed `F`, `torch`, `functools`, `inspect`, `record_op`... too.
Every name tf-keras 2.21 lists (recorded by tests/fixtures/make_nb_h0_module_dir_reference.py) must
still be there; what tkeras adds must be Keras API (its own functions and classes), never a module or
an object of another library.
"""
import importlib
import json
import os
import types

import pytest

REFERENCE_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures",
                              "nb_h0_module_dir_reference.json")
with open(REFERENCE_PATH) as _f:
    REFERENCE = json.load(_f)


@pytest.fixture
def keras():
    """`from tensorflow import keras` resolves to tkeras inside the test (as under `tkeras run`)."""
    from tkeras import compat
    compat.install()
    yield importlib.import_module("tensorflow").keras
    compat.uninstall()


@pytest.mark.parametrize("module", sorted(REFERENCE))
def test_dir_keeps_every_name_tf_keras_lists(keras, module):
    listed = set(dir(getattr(keras, module)))
    assert set(REFERENCE[module]) <= listed


@pytest.mark.parametrize("module", sorted(REFERENCE))
def test_dir_lists_no_imported_helpers(keras, module):
    alias = getattr(keras, module)
    public = [name for name in dir(alias) if not name.startswith("_")]
    for name in public:
        value = getattr(alias, name)
        assert not isinstance(value, types.ModuleType), f"{module}.{name} is a module"
        origin = getattr(value, "__module__", None) or "tkeras"
        assert origin.startswith("tkeras"), f"{module}.{name} comes from {origin}"
    assert not {"torch", "np", "F", "functools", "inspect", "math", "lookup_error", "canonical"} & set(public)


def test_activations_listing_is_all_activations(keras):
    # What the book's cell shows: every name but the (de)serialization helpers is an activation.
    names = [m for m in dir(keras.activations) if not m.startswith("_")]
    assert set(REFERENCE["activations"]) <= set(names)
    activations = [n for n in names if n not in ("deserialize", "serialize", "get")]
    for name in activations:
        assert callable(getattr(keras.activations, name)), name
    assert "KerasTensor" not in names and "record_op" not in names


def test_package_dir_lists_keras_submodules_not_tkeras_internals(keras):
    layers = set(dir(keras.layers))
    assert {"Dense", "LeakyReLU", "BatchNormalization"} <= layers
    assert not {"layer_attributes", "layer_build", "lazy_exports", "MissingAttributeError"} & layers
    optimizers = set(dir(keras.optimizers))
    assert {"schedules", "SGD", "Nadam"} <= optimizers
    assert not {"custom_steps", "lookup_error", "canonical", "inspect"} & optimizers
    assert not {"functional_config", "graph_order"} & set(dir(keras.models))
    assert {"mnist", "fashion_mnist", "cifar10"} <= set(dir(keras.datasets))
    assert {"layers", "models", "optimizers", "callbacks"} <= set(dir(keras))
