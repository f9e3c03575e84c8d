"""tkeras writes a `.h5` file's optimizer state in tf-keras 2's legacy layout (iteration count, then each
slot of every variable, no learning rate), the one tf-keras 2 restores: what tf-keras 2.21 read from
tkeras' files, and what Keras 3.15.1 does with either layout, were recorded once by
tests/fixtures/make_kio_h5_optimizer_layouts_reference.py."""
import json

import h5py
import numpy as np
import pytest

import tkeras as keras
from tests.fixtures import make_kio_h5_optimizer_layouts_reference as reference

RECORD = json.load(open(reference.RECORD))
CLASSES = [class_name for class_name, _ in reference.OPTIMIZERS]
# tf-keras 2's legacy Nadam steps differently from Keras 3's (which tkeras follows): after three steps its
# loss is ~0.1% away, so only the restored step count and the first resumed loss are compared.
ALGORITHM_DIFFERS = ("Nadam",)


def _trained(class_name):
    arguments = dict(reference.OPTIMIZERS)[class_name]
    model = reference.build(keras, getattr(keras.optimizers, class_name)(**arguments))
    x, y = reference.data()
    for _ in range(reference.TRAIN_STEPS):
        model.train_on_batch(x, y)
    return model, x, y


def _stored_names(path):
    with h5py.File(path, "r") as f:
        return [n.decode() for n in f["optimizer_weights"].attrs["weight_names"]]


@pytest.mark.parametrize("class_name", CLASSES)
def test_h5_optimizer_state_has_tf_keras2_legacy_layout(tmp_path, class_name):
    model, _, _ = _trained(class_name)
    path = str(tmp_path / "m.h5")
    model.save(path)
    names = _stored_names(path)
    assert names == RECORD["tf_keras_reads_tkeras"][class_name]["tkeras_writes"]
    # The same order and count as tf-keras 2's own legacy optimizer of that class (its names lack the
    # Sequential's prefix).
    legacy = RECORD["tf_keras_legacy_names"][class_name]
    assert [n.replace("opt_model/", "") for n in names] == legacy


@pytest.mark.parametrize("class_name", CLASSES)
def test_h5_optimizer_state_resumes_as_tf_keras2_resumed_it(tmp_path, class_name):
    model, x, y = _trained(class_name)
    path = str(tmp_path / "m.h5")
    model.save(path)
    loaded = keras.models.load_model(path)
    tf_keras_side = RECORD["tf_keras_reads_tkeras"][class_name]
    assert int(loaded.optimizer.iterations.numpy()) == tf_keras_side["iterations"] == reference.TRAIN_STEPS
    resumed = [float(loaded.train_on_batch(x, y)) for _ in range(2)]
    uninterrupted = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(resumed, uninterrupted, rtol=1e-6)
    if class_name in ALGORITHM_DIFFERS:
        np.testing.assert_allclose(resumed[0], tf_keras_side["next_losses"][0], rtol=2e-5)
        return
    # tf-keras 2 resumed from tkeras' file exactly where it would have been had it trained itself, and
    # where tkeras resumes.
    np.testing.assert_allclose(tf_keras_side["next_losses"], tf_keras_side["own_uninterrupted_next_losses"],
                               rtol=2e-6)
    np.testing.assert_allclose(resumed, tf_keras_side["next_losses"], rtol=2e-5)


def test_keras3_restores_no_optimizer_slots_from_h5_in_either_layout():
    """Why the legacy layout costs Keras 3 nothing: it builds the loaded optimizer without the model's
    variables, so only the iteration count (first in both layouts) comes back, and it cannot train."""
    facts = RECORD["keras3"]
    assert facts["writes"][:2] == ["adam/iteration", "adam/learning_rate"]
    for layout in ("own_layout", "legacy_layout"):
        assert facts[layout]["optimizer_variables"] == 2
        assert facts[layout]["iterations"] == reference.TRAIN_STEPS
        assert facts[layout]["trains"] is False
