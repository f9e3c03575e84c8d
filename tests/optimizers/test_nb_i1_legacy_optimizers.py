"""`optimizers.legacy.RMSprop` and `.Nadam` keep tf-keras 2's OptimizerV2 arithmetic: RMSprop without
momentum divides by `sqrt(v) + epsilon`, the current one by `sqrt(v + epsilon)`, which differ while
gradients are small; Nadam's momentum schedule runs 250 times slower (`0.96^(0.004 t)`, not `0.96^t`).
Code written for TF 2.11-2.15 asked for it explicitly (and Deep Learning Illustrated's GAN trains with
`RMSprop(lr=..., decay=..., clipvalue=1.0)`, which only the legacy optimizer accepted there). The
numbers were recorded from tf-keras 2.21 by fixtures/make_nb_i1_legacy_optimizers_reference.py."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_i1_legacy_optimizers_reference.json")))


def _optimizer(module, case):
    kind = module.Nadam if case.startswith("nadam") else module.RMSprop
    return kind(**REFERENCE["cases"][case])


def _run(optimizer, case):
    variable = keras.Variable(np.array(REFERENCE["start"], dtype="float32"))
    for gradient in REFERENCE["gradients"] * REFERENCE["repeats"].get(case, 1):
        optimizer.apply_gradients([(torch.tensor(gradient, dtype=torch.float32), variable)])
    return np.asarray(variable.numpy())


@pytest.mark.parametrize("case", sorted(REFERENCE["legacy"]))
def test_legacy_optimizers_match_optimizer_v2(case):
    np.testing.assert_allclose(_run(_optimizer(keras.optimizers.legacy, case), case), REFERENCE["legacy"][case],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", sorted(REFERENCE["current"]))
def test_current_optimizers_are_unchanged(case):
    np.testing.assert_allclose(_run(_optimizer(keras.optimizers, case), case), REFERENCE["current"][case],
                               rtol=1e-5, atol=1e-6)


def test_legacy_namespace_keeps_the_other_classes():
    legacy = keras.optimizers.legacy
    assert legacy.Adam is keras.optimizers.Adam and legacy.Optimizer is keras.optimizers.Optimizer
    assert isinstance(legacy.RMSprop(), keras.optimizers.RMSprop)
    assert isinstance(legacy.Nadam(), keras.optimizers.Nadam)
    assert {"Nadam", "RMSprop", "SGD"} <= set(dir(legacy))


def test_legacy_rmsprop_trains_a_model_through_the_import_path():
    from tkeras import compat
    compat.install()
    try:
        from tensorflow.keras.optimizers.legacy import RMSprop
    finally:
        compat.uninstall()
    assert RMSprop is keras.optimizers.legacy.RMSprop
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=RMSprop(learning_rate=0.01, centered=True), loss="mse")
    before = model.get_weights()[0].copy()
    model.fit(np.ones((4, 3), "float32"), np.zeros((4, 1), "float32"), verbose=0, epochs=2)
    assert not np.allclose(before, model.get_weights()[0])


def test_tf_keras2_configs_of_legacy_classes_come_back_legacy():
    rmsprop, nadam = (keras.optimizers.deserialize(config) for config in REFERENCE["serialized"])
    assert type(rmsprop) is keras.optimizers.legacy.RMSprop and rmsprop.learning_rate == pytest.approx(0.01)
    assert type(nadam) is keras.optimizers.legacy.Nadam and nadam.schedule_decay == pytest.approx(0.004)
    current = dict(REFERENCE["serialized"][0], module="keras.optimizers")
    assert type(keras.optimizers.deserialize(current)) is keras.optimizers.RMSprop
    assert keras.optimizers.serialize(rmsprop)["module"] == "keras.optimizers"  # what Keras 3 can read
