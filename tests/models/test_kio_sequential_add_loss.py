"""tf-keras 2's `model.add_loss(tensor)` on a built Sequential model, the tensor written over its layers'
outputs and its input (`model.add_loss(tf.reduce_mean(model.layers[0].output))`): computed again at every
call from that call's activations, counted by fit and evaluate, and dropped when a layer is added. Keras 3
refuses the call, so the numbers were recorded from tf-keras 2 by
tests/fixtures/make_kio_sequential_add_loss_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras
from tkeras import ops

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_sequential_add_loss_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _model_with_added_losses():
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3, kernel_initializer="ones"),
                               tkeras.layers.Dense(2, kernel_initializer="ones")])
    model.add_loss(ops.mean(model.layers[0].output))
    model.add_loss(ops.sum(ops.square(model.output - model.input[:, :2])) * 0.01)
    return model


def test_losses_are_computed_again_at_every_call(reference):
    x = np.array(reference["x"], "float32")
    model = _model_with_added_losses()
    for batch, expected in zip((x, 2 * x), reference["call_losses"]):
        model(batch)
        np.testing.assert_allclose([float(loss) for loss in model.losses], expected, rtol=1e-6)


def test_fit_and_evaluate_count_the_added_losses(reference):
    x, y = np.array(reference["x"], "float32"), np.array(reference["y"], "float32")
    model = _model_with_added_losses()
    model.compile(tkeras.optimizers.SGD(0.01), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], reference["history"]["loss"], rtol=1e-5)
    evaluation = model.evaluate(x, y, batch_size=3, verbose=0, return_dict=True)
    np.testing.assert_allclose(evaluation["loss"], reference["evaluation"]["loss"], rtol=1e-5)


def test_added_losses_alone_train_without_targets(reference):
    x = np.array(reference["x"], "float32")
    model = _model_with_added_losses()
    model.compile(tkeras.optimizers.SGD(0.01))
    history = model.fit(x, epochs=1, batch_size=3, verbose=0)
    np.testing.assert_allclose(history.history["loss"], reference["only_added_history"]["loss"], rtol=1e-5)


def test_adding_a_layer_drops_the_added_losses(reference):
    model = _model_with_added_losses()
    model.add(tkeras.layers.Dense(1))
    model(np.array(reference["x"], "float32"))
    assert len(model.losses) == reference["losses_after_add"]
    assert [layer.name for layer in model.layers] == [layer.name for layer in model._stack]


def test_a_loss_over_tensors_outside_the_model_is_refused():
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    with pytest.raises(ValueError, match="computed from the model's input or its layers' outputs"):
        model.add_loss(ops.mean(tkeras.Input((3,)) * model.output))
