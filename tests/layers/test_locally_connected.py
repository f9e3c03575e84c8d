"""LocallyConnected1D/2D (tf-keras 2): outputs and weight layouts of all three implementations against
tf-keras 2.21 (tests/fixtures/make_locally_connected_reference.py), a tf-keras .h5 model loads and
predicts as tf-keras did, and errors name the layer and argument."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.layer_testing import run_layer_test

L = keras.layers
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
CASES = json.load(open(os.path.join(FIXTURES, "locally_connected_reference.json")))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_tf_keras(case):
    layer = getattr(L, case["layer"])(**case["kwargs"])
    x = np.array(case["x"], dtype="float32")
    layer.build(x.shape)
    assert [list(w.shape) for w in layer.get_weights()] == case["weight_shapes"]
    layer.set_weights([np.array(w, dtype="float32") for w in case["weights"]])
    np.testing.assert_allclose(np.asarray(layer(x)), np.array(case["output"]), atol=1e-5)
    assert tuple(layer.compute_output_shape((None,) + x.shape[1:]))[1:] == np.shape(case["output"])[1:]


def test_tf_keras_h5_model_loads_and_predicts_the_same():
    model = keras.models.load_model(os.path.join(FIXTURES, "tfk2_locally_connected.h5"))
    io = json.load(open(os.path.join(FIXTURES, "tfk2_locally_connected_io.json")))
    assert [layer.implementation for layer in model.layers if "locally" in layer.name] == [1, 2, 3]
    np.testing.assert_allclose(model.predict(np.array(io["x"], dtype="float32"), verbose=0), io["y"], atol=1e-5)


@pytest.mark.parametrize("implementation", [1, 2, 3])
def test_the_three_layouts_compute_the_same_function(implementation):
    """Weights moved between layouts through the dense input->output matrix give the same outputs."""
    x = np.random.default_rng(0).standard_normal((2, 6, 5, 2)).astype("float32")
    reference = L.LocallyConnected2D(3, 2, strides=(2, 1), implementation=1)
    reference.build(x.shape)
    layer = L.LocallyConnected2D(3, 2, strides=(2, 1), implementation=implementation)
    layer.build(x.shape)
    # the dense matrix of each layer, read off its response to unit inputs (bias zeroed)
    kernel = np.random.default_rng(1).standard_normal(reference.get_weights()[0].shape).astype("float32")
    reference.set_weights([kernel, np.zeros_like(reference.get_weights()[1])])
    eye = np.eye(6 * 5 * 2, dtype="float32").reshape(-1, 6, 5, 2)
    dense = np.asarray(reference(eye)).reshape(60, -1)
    if implementation == 2:
        weights = dense.reshape(6, 5, 2, 3, 4, 3)
    elif implementation == 3:
        pairs = layer._indices()
        weights = dense[pairs[:, 1], pairs[:, 0]]
    else:
        weights = kernel
    layer.set_weights([weights, np.zeros((3, 4, 3), dtype="float32")])
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(reference(x)), atol=1e-5)


def test_harness_and_config():
    run_layer_test(L.LocallyConnected1D, {"filters": 2, "kernel_size": 3}, input_shape=(2, 6, 3),
                   expected_output_shape=(2, 4, 2), expected_num_trainable_weights=2)
    run_layer_test(L.LocallyConnected2D, {"filters": 2, "kernel_size": 2, "padding": "same", "implementation": 3},
                   input_shape=(2, 4, 3, 1), expected_output_shape=(2, 4, 3, 2), expected_num_trainable_weights=2)
    config = L.LocallyConnected2D(2, 3, name="lc").get_config()
    assert list(config) == ["name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
                            "data_format", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                            "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                            "bias_constraint", "implementation"]
    assert config["activation"] == "linear" and config["strides"] == (1, 1) and config["implementation"] == 1


@pytest.mark.parametrize("make, message", [
    (lambda: L.LocallyConnected1D(2, 3, padding="same"), "LocallyConnected1D: padding='same' needs implementation=2 or 3"),
    (lambda: L.LocallyConnected2D(2, 3, implementation=4), "LocallyConnected2D: implementation must be 1, 2 or 3"),
    (lambda: L.LocallyConnected2D(0, 3), "LocallyConnected2D: filters must be a positive integer"),
    (lambda: L.LocallyConnected1D(2, 3, padding="causal", implementation=2), "LocallyConnected1D: .*padding"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_shapes_it_cannot_take_are_named():
    with pytest.raises(ValueError, match="every dimension but the batch must be known"):
        L.LocallyConnected1D(2, 3)(keras.Input((None, 4)))
    with pytest.raises(ValueError, match=r"smaller than kernel_size \(5,\)"):
        L.LocallyConnected1D(2, 5)(np.zeros((1, 3, 2), dtype="float32"))


def test_keras1_spellings():
    layer = L.LocallyConnected2D(4, 3, 3, border_mode="valid", init="he_normal", W_regularizer="l2",
                                 dim_ordering="th")
    assert (layer.kernel_size, layer.strides, layer.data_format) == ((3, 3), (1, 1), "channels_first")
    assert type(layer.kernel_initializer).__name__ == "HeNormal" and layer.kernel_regularizer is not None
    assert tuple(layer(np.zeros((1, 2, 6, 5), dtype="float32")).shape) == (1, 4, 4, 3)
    layer = L.LocallyConnected1D(4, 3, subsample_length=2, b_constraint="non_neg")
    assert layer.strides == (2,) and layer.bias_constraint is not None
    assert tuple(layer(np.zeros((1, 9, 2), dtype="float32")).shape) == (1, 4, 4)
    # without Keras 1 keywords the third number is Keras 2's strides, as in tf-keras
    assert L.LocallyConnected2D(4, 3, 2).strides == (2, 2)
