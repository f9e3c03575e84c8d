"""A functional model refuses data whose sizes differ from its `Input`'s, as Keras 3 and tf-keras 2 do:
every axis but the batch axis is checked, a None size takes anything, and call, predict and fit all
raise, naming the model, the input and both shapes (keras-io scripts shrunk to 32x32 images fed to
an `Input((28, 28, 1))` otherwise ran on, through layers that take any size). A Sequential model
runs its layers on such data, as Keras' does."""
import numpy as np
import pytest

import tkeras
from tkeras import layers


def _relu_model(shape, **input_kwargs):
    inputs = tkeras.Input(shape, **input_kwargs)
    return tkeras.Model(inputs, layers.Activation("relu")(inputs))


@pytest.mark.parametrize("run", [
    lambda model, x: model(x),
    lambda model, x: model.predict(x, verbose=0),
    lambda model, x: (model.compile("sgd", "mse"), model.fit(x, x, verbose=0)),
], ids=["call", "predict", "fit"])
def test_other_sizes_are_refused(run):
    model = _relu_model((28, 28, 1))
    with pytest.raises(ValueError, match=r"expects data of shape \(None, 28, 28, 1\).*received data of shape "
                                         r"\(4, 32, 32, 1\): axis 1 has size 32"):
        run(model, np.zeros((4, 32, 32, 1), "float32"))


def test_none_sizes_and_the_batch_axis_take_any_size():
    assert tuple(_relu_model((None, 3))(np.zeros((2, 7, 3), "float32")).shape) == (2, 7, 3)
    assert tuple(_relu_model(None, batch_shape=(2, 4))(np.zeros((3, 4), "float32")).shape) == (3, 4)
    with pytest.raises(ValueError, match="axis 2 has size 4, the Input declares 3"):
        _relu_model((None, 3))(np.zeros((2, 7, 4), "float32"))


def test_a_shape_that_fitted_once_is_checked_again_when_it_changes():
    model = _relu_model((4,))
    model(np.zeros((2, 4), "float32"))
    model(np.zeros((5, 4), "float32"))
    with pytest.raises(ValueError, match="axis 1 has size 5"):
        model(np.zeros((2, 5), "float32"))


def test_the_input_named_is_the_one_that_does_not_fit():
    a, b = tkeras.Input((4,), name="a"), tkeras.Input((2,), name="b")
    model = tkeras.Model([a, b], layers.Concatenate()([a, b]))
    with pytest.raises(ValueError, match="input 'b' expects data of shape \\(None, 2\\)"):
        model([np.zeros((2, 4), "float32"), np.zeros((2, 3), "float32")])


def test_trailing_axis_of_one_still_added_before_the_check():
    model = _relu_model((28, 28, 1))
    assert tuple(model(np.zeros((2, 28, 28), "float32")).shape) == (2, 28, 28, 1)


def test_sequential_runs_its_layers_on_other_sizes():
    model = tkeras.Sequential([tkeras.Input((4,)), layers.Activation("relu")])
    assert tuple(model(np.zeros((2, 5), "float32")).shape) == (2, 5)


def test_a_nested_model_takes_the_sizes_the_layers_before_it_make():
    """keras-io's supervised contrastive learning: ResNet50V2(input_shape=(32, 32, 3)) after RandomWidth.
    Keras' traced graph leaves those sizes unknown; only the data the outer model is called on is checked."""
    import numpy as np
    import tkeras as keras
    inner_input = keras.Input((8, 8, 3))
    inner = keras.Model(inner_input, keras.layers.GlobalAveragePooling2D()(inner_input))
    outer_input = keras.Input((8, 8, 3))
    widened = keras.layers.Lambda(lambda x: keras.ops.concatenate([x, x[:, :, :2]], axis=2))(outer_input)
    model = keras.Model(outer_input, inner(widened))
    assert model.predict(np.ones((2, 8, 8, 3), "float32"), verbose=0).shape == (2, 3)
