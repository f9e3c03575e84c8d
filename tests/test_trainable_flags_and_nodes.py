"""`layer.trainable` writing the weights' own flags, and `_outbound_nodes`, against Keras 3.15.1.

The reference JSON was written by tests/fixtures/make_trainable_nodes_reference.py under real Keras;
the same scenario functions run here with tkeras, so every recorded fact (flags after each step of a
freeze / unfreeze sequence, `trainable_weights` / `non_trainable_weights` as indices into `weights`,
node counts per layer) must come out equal. The remaining tests check what the flags are for: the
optimizer updating exactly the trainable weights through a fine-tuning sequence, `requires_grad`, and
saved files.
"""
import importlib.util
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")


def _scenarios():
    spec = importlib.util.spec_from_file_location(
        "make_trainable_nodes_reference", os.path.join(FIXTURES, "make_trainable_nodes_reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCENARIOS = _scenarios()
with open(os.path.join(FIXTURES, "trainable_nodes_reference.json")) as _f:
    REFERENCE = json.load(_f)


@pytest.fixture(scope="module")
def trainable_facts(tmp_path_factory):
    facts = SCENARIOS.trainable_scenarios(keras, str(tmp_path_factory.mktemp("trainable")))
    return json.loads(json.dumps(facts))


@pytest.fixture(scope="module")
def node_facts():
    return json.loads(json.dumps(SCENARIOS.node_scenarios(keras)))


def test_reference_was_recorded_with_keras_3_15_1():
    assert REFERENCE["keras_version"] == "3.15.1"


@pytest.mark.parametrize("case", sorted(REFERENCE["trainable"]))
def test_trainable_facts_match_keras(trainable_facts, case):
    assert trainable_facts[case] == REFERENCE["trainable"][case]


@pytest.mark.parametrize("case", sorted(REFERENCE["nodes"]))
def test_node_facts_match_keras(node_facts, case):
    assert node_facts[case] == REFERENCE["nodes"][case]


# -- flags and autograd -------------------------------------------------------------------------
def test_requires_grad_follows_the_flags():
    dense = layers.Dense(2)
    dense.build((None, 3))
    dense.trainable = False
    assert [w.requires_grad for w in dense.weights] == [False, False]
    dense.kernel.trainable = True  # by hand, layer still frozen: autograd follows the variable's flag
    assert dense.kernel.requires_grad and not dense.bias.requires_grad
    dense.trainable = True
    assert [w.requires_grad for w in dense.weights] == [True, True]


def test_batchnorm_statistics_never_get_gradients():
    bn = layers.BatchNormalization()
    bn.build((None, 4))
    bn.trainable = False
    bn.trainable = True
    assert [w.requires_grad for w in bn.weights] == [True, True, False, False]


def test_torch_module_wrapper_frozen_at_construction():
    wrapped = layers.TorchModuleWrapper(torch.nn.Linear(3, 2), trainable=False)
    assert [w.trainable for w in wrapped.weights] == [False, False]
    wrapped.trainable = True
    assert [w.trainable for w in wrapped.weights] == [True, True]
    wrapped.trainable = False
    assert [w.requires_grad for w in wrapped.weights] == [False, False]


def test_weight_order_unchanged_by_flags():
    """`weights` (hence get_weights / set_weights and file keys) keeps the order of tracking."""
    bn = layers.BatchNormalization()
    bn.build((None, 4))
    before = [w.name for w in bn.weights]
    bn.gamma.trainable = False
    bn.trainable = False
    bn.trainable = True
    assert [w.name for w in bn.weights] == before == ["gamma", "beta", "moving_mean", "moving_variance"]


# -- nodes --------------------------------------------------------------------------------------
def test_outbound_nodes_public_names_and_eager_calls():
    x = keras.Input((3,))
    first, second = layers.Dense(4), layers.Dense(2)
    y = second(first(x))
    node = first.outbound_nodes[0]
    assert node is second.inbound_nodes[0]
    assert node.operation is second and node.outbound_layer is second
    assert y._keras_history[0] is second
    model = keras.Model(x, y)
    model.predict(np.ones((2, 3), "float32"), verbose=0)
    first(np.ones((2, 3), "float32"))
    assert len(first._outbound_nodes) == 1 and len(second._outbound_nodes) == 0
    assert len(model._outbound_nodes) == 0


# -- fine-tuning: the optimizer updates exactly what is trainable ---------------------------------
def _fine_tuning_model():
    keras.utils.set_random_seed(3)
    base = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu", name="base_dense"),
                             layers.BatchNormalization(name="base_bn")], name="base")
    inputs = keras.Input((4,))
    outputs = layers.Dense(1, name="head")(base(inputs, training=False))
    return base, keras.Model(inputs, outputs)


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32") + 0.3).astype("float32")
    return x, y


def _changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


@pytest.mark.parametrize("same_optimizer", [False, True])
def test_freeze_fit_unfreeze_recompile_fit(same_optimizer):
    base, model = _fine_tuning_model()
    head = model.get_layer("head")
    x, y = _data()

    base.trainable = False
    assert [w.trainable for w in base.weights] == [False] * 6
    optimizer = keras.optimizers.Adam(1e-2)
    model.compile(optimizer=optimizer, loss="mse")
    assert len(model.trainable_weights) == 2
    base_before, head_before = base.get_weights(), head.get_weights()
    first = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False).history["loss"]
    assert _changed(base_before, base.get_weights()) == [False] * 6  # nothing in the base moved
    assert _changed(head_before, head.get_weights()) == [True, True]
    assert first[-1] < first[0]

    base.trainable = True
    assert [w.trainable for w in base.weights] == [True, True, True, True, False, False]
    model.compile(optimizer=optimizer if same_optimizer else keras.optimizers.Adam(1e-3), loss="mse")
    assert len(model.trainable_weights) == 6
    base_before, head_before = base.get_weights(), head.get_weights()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    after = base.get_weights()
    # kernel, bias, gamma, beta train; the moving statistics stay (the base runs with training=False)
    assert _changed(base_before, after) == [True, True, True, True, False, False]
    assert _changed(head_before, head.get_weights()) == [True, True]
    assert max(float(np.abs(a - b).max()) for a, b in zip(base_before[:4], after[:4])) > 1e-5


def test_model_frozen_then_unfrozen_trains_again_without_new_layers():
    _, model = _fine_tuning_model()
    x, y = _data()
    model.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert _changed(before, model.get_weights()) == [False] * len(before)
    model.trainable = True
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert sum(_changed(before, model.get_weights())) == 6  # all but BatchNorm's two statistics


def test_variable_switched_off_by_hand_is_not_updated():
    _, model = _fine_tuning_model()
    head = model.get_layer("head")
    head.bias.trainable = False  # layer stays trainable, one weight does not
    x, y = _data()
    model.compile(optimizer="adam", loss="mse")
    assert all(w is not head.bias for w in model.trainable_weights)
    bias, kernel = head.bias.numpy(), head.kernel.numpy()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    np.testing.assert_array_equal(head.bias.numpy(), bias)
    assert not np.array_equal(head.kernel.numpy(), kernel)


def test_frozen_layer_in_keras_file_and_legacy_h5(tmp_path):
    base, model = _fine_tuning_model()
    base.get_layer("base_dense").trainable = False
    for name in ("frozen.keras", "frozen.h5"):
        path = str(tmp_path / name)
        model.save(path)
        loaded = keras.models.load_model(path)
        dense = loaded.get_layer("base").get_layer("base_dense")
        assert dense.trainable is False
        assert [w.trainable for w in dense.weights] == [False, False]
        assert len(loaded.trainable_weights) == 4  # BatchNorm's gamma and beta, the head's two
        for a, b in zip(model.get_weights(), loaded.get_weights()):
            np.testing.assert_array_equal(a, b)
