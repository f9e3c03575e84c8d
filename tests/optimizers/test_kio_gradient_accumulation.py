"""Keras 3's `gradient_accumulation_steps` (keras-io's vocal track separation fits with
`Adam(5e-5, gradient_accumulation_steps=2)`): the weights move once every N steps, with the mean of the
N gradients; `iterations` counts updates. Reference: kio_gradient_accumulation_reference.json, recorded
from Keras 3 (TensorFlow backend) by make_kio_gradient_accumulation_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.make_custom_optimizer_reference import define_optimizers

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "kio_gradient_accumulation_reference.json")))

MAKERS = {
    "sgd": lambda: keras.optimizers.SGD(0.1, momentum=0.5, gradient_accumulation_steps=3),
    "adam": lambda: keras.optimizers.Adam(0.05, gradient_accumulation_steps=2),
    "adam_schedule_clip_decay": lambda: keras.optimizers.AdamW(
        keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=1, decay_rate=0.5), weight_decay=0.1,
        clipnorm=0.5, gradient_accumulation_steps=2),
    "adam_ema": lambda: keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.5, gradient_accumulation_steps=2),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_apply_matches_keras_step_by_step(name):
    expected = REFERENCE["cases"][name]
    optimizer = MAKERS[name]()
    variable = keras.Variable(np.asarray(REFERENCE["start"], "float32"), name="kernel")
    for i, gradient in enumerate(REFERENCE["gradients"]):
        optimizer.apply([keras.ops.convert_to_tensor(np.asarray(gradient, "float32"))], [variable])
        np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), expected["values"][i], rtol=1e-5, atol=1e-6)
        assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == expected["iterations"][i]
    optimizer.finalize_variable_values([variable])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), expected["final"], rtol=1e-5, atol=1e-6)
    assert [v.name for v in optimizer.variables] == expected["variable_names"]
    assert optimizer.get_config()["gradient_accumulation_steps"] == expected["config_steps"]
    assert type(optimizer).from_config(optimizer.get_config()).gradient_accumulation_steps == expected["config_steps"]


def test_fit_with_accumulation_matches_keras():
    fit = REFERENCE["fit"]
    kernel = np.asarray(fit["kernel"], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        1, kernel_initializer=keras.initializers.Constant(kernel))])
    model.compile(keras.optimizers.Adam(0.1, gradient_accumulation_steps=2), "mse")
    history = model.fit(np.asarray(fit["x"], "float32"), np.asarray(fit["y"], "float32"), batch_size=3, epochs=2,
                        shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], fit["loss"], rtol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.layers[0].kernel), fit["final_kernel"], rtol=5e-5,
                               atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model.layers[0].bias), fit["final_bias"], rtol=1e-5,
                               atol=1e-7)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == fit["iterations"]


def test_a_custom_update_step_sees_the_mean_gradient_once_every_n_steps():
    """Closed form: plain SGD through a user `update_step` moves by -lr * mean(g1, g2) on step 2 only."""
    my_sgd, _ = define_optimizers(keras)
    optimizer = my_sgd(learning_rate=0.1, momentum=0.0, gradient_accumulation_steps=2)
    variable = keras.Variable(np.ones(3, "float32"), name="v")
    g1, g2 = np.array([1.0, 2.0, 3.0], "float32"), np.array([3.0, 0.0, -1.0], "float32")
    optimizer.apply([keras.ops.convert_to_tensor(g1)], [variable])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), np.ones(3))
    optimizer.apply([keras.ops.convert_to_tensor(g2)], [variable])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), 1.0 - 0.1 * (g1 + g2) / 2, rtol=1e-6)
    assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == 1


@pytest.mark.parametrize("steps", [1, 0.5, "2"])
def test_steps_below_two_or_not_an_integer_are_refused(steps):
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        keras.optimizers.Adam(gradient_accumulation_steps=steps)
