"""A Sequential whose first layer is another Sequential with a declared input (tensorflow.org's image
classification tutorial puts its `data_augmentation` Sequential first) is built at once, as in Keras:
`summary()` and `count_params()` show the head's weights before any data is seen."""
import tkeras as keras
from tkeras import layers


def test_nested_sequential_with_input_shape_builds_the_outer_model():
    augmentation = keras.Sequential([layers.RandomFlip("horizontal", input_shape=(8, 8, 3)),
                                     layers.RandomRotation(0.1)])
    model = keras.Sequential([augmentation, layers.Rescaling(1 / 255), layers.Conv2D(2, 3), layers.Flatten(),
                              layers.Dense(1)])
    assert model.built
    assert model.count_params() == (3 * 3 * 3 * 2 + 2) + (6 * 6 * 2 + 1)
    assert tuple(model.output_shape) == (None, 1)


def test_nested_sequential_built_from_an_input():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    model = keras.Sequential([inner, layers.Dense(1)])
    assert model.built and model.count_params() == (4 * 3 + 3) + (3 + 1)
