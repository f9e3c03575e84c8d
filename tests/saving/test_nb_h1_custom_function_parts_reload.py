"""Custom activation/initializer/regularizer/constraint functions survive save and load (Hands-On ML 2,
chapter 12: `load_model(path, custom_objects={"my_glorot_initializer": ..., ...})`)."""
import numpy as np
import pytest

import tkeras as keras


def my_softplus(z):
    return keras.ops.log(keras.ops.exp(z) + 1.0)


def my_glorot_initializer(shape, dtype="float32"):
    stddev = np.sqrt(2.0 / (shape[0] + shape[1]))
    return keras.random.normal(shape, stddev=stddev, dtype=dtype)


def my_l1_regularizer(weights):
    return keras.ops.sum(keras.ops.abs(0.01 * weights))


def my_positive_weights(weights):
    return keras.ops.where(weights < 0.0, keras.ops.zeros_like(weights), weights)


class MyL1Regularizer(keras.regularizers.Regularizer):
    def __init__(self, factor):
        self.factor = factor

    def __call__(self, weights):
        return keras.ops.sum(keras.ops.abs(self.factor * weights))

    def get_config(self):
        return {"factor": self.factor}


CUSTOM = {"my_softplus": my_softplus, "my_glorot_initializer": my_glorot_initializer,
          "my_l1_regularizer": my_l1_regularizer, "my_positive_weights": my_positive_weights,
          "MyL1Regularizer": MyL1Regularizer}


@pytest.mark.parametrize("extension", ["keras", "h5"])
@pytest.mark.parametrize("regularizer", [my_l1_regularizer, MyL1Regularizer(0.01)])
def test_model_with_custom_parts_round_trips(tmp_path, extension, regularizer):
    if extension == "h5":
        pytest.importorskip("h5py")
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(2, activation=my_softplus, kernel_initializer=my_glorot_initializer,
                           kernel_regularizer=regularizer, kernel_constraint=my_positive_weights),
    ])
    model.compile(loss="mse", optimizer="sgd")
    path = str(tmp_path / f"parts.{extension}")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects=CUSTOM)
    dense = loaded.layers[0]
    assert dense.activation is my_softplus
    assert dense.kernel_constraint is my_positive_weights
    if isinstance(regularizer, MyL1Regularizer):
        assert isinstance(dense.kernel_regularizer, MyL1Regularizer) and dense.kernel_regularizer.factor == 0.01
    else:
        assert dense.kernel_regularizer is my_l1_regularizer
    x = np.array([[0.5, -1.0, 2.0]], "float32")
    kernel, bias = (w.numpy() for w in model.layers[0].weights)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), np.log1p(np.exp(x @ kernel + bias)), rtol=1e-5)
    penalty = sum(float(loss) for loss in loaded.losses)
    np.testing.assert_allclose(penalty, 0.01 * np.abs(kernel).sum(), rtol=1e-5)


def test_unknown_custom_initializer_name_still_lists_the_known_ones():
    with pytest.raises(ValueError, match="glorot_uniform"):
        keras.initializers.get("my_missing_initializer")
