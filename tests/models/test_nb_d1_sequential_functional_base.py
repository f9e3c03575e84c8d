"""A Sequential whose first layer is a functional model with a known Input (DLwP 5.3's
`model.add(conv_base)` after `VGG16(include_top=False, input_shape=...)`) builds when the layers are added,
as Keras 2 and 3 both do: the head's weights exist before any data, so `len(model.trainable_weights)`
and `summary()` give the book's numbers."""
import tkeras as keras
from tkeras import layers, models


def _conv_base():
    image = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu")(image)
    x = layers.MaxPooling2D(2)(x)
    return models.Model(image, x, name="conv_base")


def test_head_weights_exist_as_soon_as_layers_are_added():
    conv_base = _conv_base()
    model = models.Sequential()
    model.add(conv_base)
    model.add(layers.Flatten())
    model.add(layers.Dense(5, activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    assert model.built
    # conv kernel/bias + two Dense kernels/biases: 2 + 4
    assert len(model.trainable_weights) == 6
    assert [tuple(w.shape) for w in model.weights[2:]] == [(3 * 3 * 4, 5), (5,), (5, 1), (1,)]
    assert model.input_shape == (None, 8, 8, 3)
    assert model.output_shape == (None, 1)
    conv_base.trainable = False
    assert len(model.trainable_weights) == 4


def test_list_constructor_builds_too():
    model = models.Sequential([_conv_base(), layers.Flatten(), layers.Dense(2)])
    assert model.built and model.count_params() == (3 * 3 * 3 * 4 + 4) + (36 * 2 + 2)


def test_multi_input_model_first_does_not_claim_a_shape():
    a, b = keras.Input((2,)), keras.Input((3,))
    joined = models.Model([a, b], layers.Concatenate()([a, b]))
    model = models.Sequential([joined, layers.Dense(1)])
    assert not model.built
