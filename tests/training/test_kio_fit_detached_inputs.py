"""In-memory data that is an eager model output still carrying autograd history (`x = pre(data)`) is
plain data to fit/evaluate/train_on_batch, as TensorFlow's eager tensors are: the training steps must
neither backpropagate into the graph that produced it nor change the tensor the user holds."""
import numpy as np

import tkeras as keras


def _pre_model_output():
    inputs = keras.Input((1,), dtype="int32")
    pre = keras.Model(inputs, keras.layers.Reshape((-1,))(keras.layers.Embedding(5, 2)(inputs)))
    return pre, pre(np.array([[1], [2], [3], [4]]))


def _dense_model():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    return model


def test_fit_twice_over_a_model_output_leaves_the_producer_untouched():
    pre, x = _pre_model_output()
    assert x.requires_grad
    before = [w.numpy().copy() for w in pre.weights]
    model = _dense_model()
    history = model.fit(x, np.zeros((4, 1)), epochs=2, batch_size=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert x.requires_grad  # the user's tensor itself is not detached in place
    for w, old in zip(pre.weights, before):
        np.testing.assert_array_equal(w.numpy(), old)
        assert w.value.grad is None


def test_train_on_batch_and_evaluate_repeat_over_a_model_output():
    pre, x = _pre_model_output()
    model = _dense_model()
    y = pre(np.array([[0], [1], [2], [3]]))[:, :1]  # targets with history too
    first = model.train_on_batch(x, y)
    second = model.train_on_batch(x, y)
    assert np.isfinite(first) and np.isfinite(second)
    assert np.isfinite(model.evaluate(x, y, verbose=0))
    assert model.predict(x, verbose=0).shape == (4, 1)
