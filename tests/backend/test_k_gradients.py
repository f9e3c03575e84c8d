"""Keras 2's K.gradients on symbolic tensors, evaluated through K.function, against closed forms: the
input gradient of a linear model, Grad-CAM's pooled gradient at a convolution's output, weight
gradients, and the gradient-ascent loop of filter visualization."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import backend as K


def _dense_model(rng):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    kernel, bias = rng.standard_normal((4, 2)).astype("float32"), rng.standard_normal(2).astype("float32")
    model.layers[1].set_weights([kernel, bias])
    return model, kernel


def test_gradient_with_respect_to_the_model_input():
    rng = np.random.default_rng(0)
    model, kernel = _dense_model(rng)
    loss = K.sum(model.output[:, 1])
    grads = K.gradients(loss, model.input)
    assert isinstance(grads, list) and len(grads) == 1 and grads[0].shape == (None, 4)
    x = rng.standard_normal((3, 4)).astype("float32")
    loss_value, grad_value = K.function([model.input], [loss, grads[0]])([x])
    assert loss_value == pytest.approx(float((x @ kernel)[:, 1].sum() + 3 * model.layers[1].get_weights()[1][1]),
                                       rel=1e-5)
    np.testing.assert_allclose(grad_value, np.tile(kernel[:, 1], (3, 1)), rtol=1e-6)


def test_grad_cam_pools_the_class_gradient_at_the_last_convolution():
    rng = np.random.default_rng(1)
    inputs = keras.Input((5, 5, 1))
    conv = keras.layers.Conv2D(2, 3, name="last_conv")
    features = conv(inputs)
    head = keras.layers.Dense(3)
    model = keras.Model(inputs, head(keras.layers.Flatten()(features)))
    dense_kernel = rng.standard_normal((3 * 3 * 2, 3)).astype("float32")
    head.set_weights([dense_kernel, np.zeros(3, "float32")])
    class_output = model.output[:, 2]
    grads = K.gradients(class_output, model.get_layer("last_conv").output)[0]
    pooled_grads = K.mean(grads, axis=(0, 1, 2))
    iterate = K.function([model.input], [pooled_grads, model.get_layer("last_conv").output[0]])
    x = rng.standard_normal((1, 5, 5, 1)).astype("float32")
    pooled, conv_output = iterate([x])
    # The class score is linear in the convolution's output: its gradient there is the head's column.
    expected = dense_kernel[:, 2].reshape(3, 3, 2)
    np.testing.assert_allclose(pooled, expected.mean(axis=(0, 1)), rtol=1e-5)
    assert conv_output.shape == (3, 3, 2)


def test_gradients_with_respect_to_weights():
    rng = np.random.default_rng(2)
    model, _ = _dense_model(rng)
    loss = K.sum(model.output)
    kernel_grad, bias_grad = K.gradients(loss, model.layers[1].trainable_weights)
    x = rng.standard_normal((5, 4)).astype("float32")
    got_kernel, got_bias = K.function([model.input], [kernel_grad, bias_grad])([x])
    np.testing.assert_allclose(got_kernel, np.tile(x.sum(axis=0)[:, None], (1, 2)), rtol=1e-5)
    np.testing.assert_allclose(got_bias, [5.0, 5.0])


def test_gradient_ascent_on_the_input_raises_the_activation():
    rng = np.random.default_rng(3)
    inputs = keras.Input((6, 6, 1))
    conv = keras.layers.Conv2D(2, 3, activation="relu")
    model = keras.Model(inputs, conv(inputs))
    conv.set_weights([rng.standard_normal((3, 3, 1, 2)).astype("float32"), np.ones(2, "float32")])  # active ReLUs
    loss = K.mean(model.output[:, :, :, 0])
    grads = K.gradients(loss, model.input)[0]
    grads /= K.sqrt(K.mean(K.square(grads))) + 1e-5  # the normalization filter-visualization code does
    iterate = K.function([model.input], [loss, grads])
    image = rng.random((1, 6, 6, 1)).astype("float32") * 0.1 + 0.5
    first, _ = iterate([image])
    for _ in range(10):
        loss_value, grad_value = iterate([image])
        image += 0.1 * grad_value
    assert loss_value > first


def test_a_tensor_the_loss_does_not_depend_on_gets_zeros_and_eager_values_are_refused():
    rng = np.random.default_rng(4)
    model, _ = _dense_model(rng)
    other = keras.Input((3,))
    grad = K.gradients(K.sum(model.output), other)[0]
    result = K.function([model.input, other], [grad])([np.ones((2, 4), "float32"), np.ones((2, 3), "float32")])
    np.testing.assert_array_equal(result[0], np.zeros((2, 3)))
    with pytest.raises(NotImplementedError, match="use tf.GradientTape"):
        K.gradients(keras.ops.ones((2,)), model.input)


def test_optimizer_get_updates_on_a_symbolic_loss_steps_at_each_call():
    rng = np.random.default_rng(5)
    model, kernel = _dense_model(rng)
    bias = model.layers[1].get_weights()[1]
    loss = K.mean(K.square(model.output))
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    updates = optimizer.get_updates(loss=loss, params=model.layers[1].trainable_weights)
    train = K.function([model.input], [loss], updates=updates)
    x = rng.standard_normal((6, 4)).astype("float32")
    before = float(np.mean((x @ kernel + bias) ** 2))
    assert float(train([x])[0]) == pytest.approx(before, rel=1e-5)  # the outputs are from before the step
    out = x @ kernel + bias
    grad_out = 2 * out / out.size
    np.testing.assert_allclose(model.layers[1].get_weights()[0], kernel - 0.1 * x.T @ grad_out, rtol=1e-5)
    np.testing.assert_allclose(model.layers[1].get_weights()[1], bias - 0.1 * grad_out.sum(0), rtol=1e-5)
    assert float(train([x])[0]) < before


def test_symbolic_k_update_is_applied_by_the_function_that_lists_it():
    rng = np.random.default_rng(6)
    model, _ = _dense_model(rng)
    running = K.variable(np.zeros(2, "float32"))
    batch_mean = K.mean(model.output, axis=0)
    updates = [K.update_add(running, batch_mean), (K.variable(0.0), K.sum(batch_mean))]
    step = K.function([model.input], [batch_mean], updates=updates)
    x = rng.standard_normal((4, 4)).astype("float32")
    first = step([x])[0]
    step([x])
    np.testing.assert_allclose(K.get_value(running), 2 * first, rtol=1e-5)
    with pytest.raises(TypeError, match="each entry of `updates`"):
        K.function([model.input], [batch_mean], updates=["not an update"])
