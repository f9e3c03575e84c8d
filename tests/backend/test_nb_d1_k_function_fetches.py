"""What DLwP 1st edition's 5.4 (filter visualization, Grad-CAM) feeds K.function and reads back:
`preprocess_input` hands it a channel-flipped view (negative strides), and a mean loss comes back as a
NumPy scalar (Keras 2's session run gives `np.float32`), both checked against closed forms."""
import numpy as np

import tkeras as keras
from tkeras import backend as K


def _linear_model(kernel):
    inputs = keras.Input((2, 3))
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model(inputs, dense(inputs))
    dense.set_weights([kernel])
    return model


def test_gradients_through_a_channel_flipped_view():
    kernel = np.array([[1.0], [-2.0], [0.5]], "float32")
    model = _linear_model(kernel)
    loss = K.mean(model.output)
    grads = K.gradients(loss, model.input)[0]
    iterate = K.function([model.input], [loss, grads])
    rgb = np.arange(12, dtype="float32").reshape(1, 2, 6)[:, :, :3]
    bgr = rgb[..., ::-1]  # what preprocess_input(mode='caffe') returns
    assert any(stride < 0 for stride in bgr.strides)
    loss_value, grad_value = iterate([bgr])
    # loss = mean over the 2 positions of bgr @ kernel; d loss / d x = kernel / 2 at every position
    np.testing.assert_allclose(loss_value, float((bgr @ kernel).mean()), rtol=1e-6)
    np.testing.assert_allclose(grad_value, np.broadcast_to(kernel[:, 0] / 2, (1, 2, 3)), rtol=1e-6)


def test_plain_forward_takes_a_flipped_view_too():
    kernel = np.array([[1.0], [0.0], [0.0]], "float32")
    model = _linear_model(kernel)
    outputs = K.function([model.input], [model.output])([np.ones((1, 2, 3), "float32")[..., ::-1] * [1, 2, 3]])
    np.testing.assert_allclose(outputs[0][..., 0], [[1.0, 1.0]])


def test_a_scalar_output_comes_back_as_a_numpy_scalar():
    model = _linear_model(np.ones((3, 1), "float32"))
    loss = K.mean(model.output)
    loss_value, activations = K.function([model.input], [loss, model.output])([np.ones((1, 2, 3), "float32")])
    assert isinstance(loss_value, np.float32) and loss_value == 3.0
    assert isinstance(activations, np.ndarray) and activations.shape == (1, 2, 1)


def test_model_input_of_a_list_built_model_in_a_list():
    """`Model([x], y)`: Keras 3's `model.input` is `[x]`; Keras 2 code wraps it again,
    `K.function([model.input], ...)`, and gets the outputs for its one array."""
    x = keras.Input((3,))
    dense = keras.layers.Dense(1, use_bias=False)
    model = keras.Model([x], dense(x))
    dense.set_weights([np.array([[1.0], [2.0], [3.0]], "float32")])
    (out,) = K.function([model.input], [model.output])([np.ones((2, 3), "float32")])
    np.testing.assert_allclose(out, [[6.0], [6.0]])


def test_two_inputs_nested_once_take_their_values_nested_or_flat():
    a, b = keras.Input((2,)), keras.Input((2,))
    model = keras.Model([a, b], keras.layers.Subtract()([a, b]))
    run = K.function([model.input], [model.output])
    va, vb = np.full((1, 2), 5.0, "float32"), np.ones((1, 2), "float32")
    np.testing.assert_allclose(run([[va, vb]])[0], [[4.0, 4.0]])
    np.testing.assert_allclose(run([va, vb])[0], [[4.0, 4.0]])
