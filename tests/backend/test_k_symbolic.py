"""tf-keras 2's K.* tensor functions on symbolic tensors: `K.sum(x, axis=1)` inside a functional model is
recorded as an op node (tf-keras' TFOpLambda) with the shape and dtype of the eager result, and a model
made of them trains, saves to .keras and loads."""
import subprocess
import sys

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import backend as K

RNG = np.random.default_rng(7)
X = RNG.normal(size=(3, 4, 6)).astype("float32")
Y = RNG.normal(size=(3, 4, 6)).astype("float32")


def _softmax(v):
    e = np.exp(v - v.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# name -> (the K call on (x, y), the NumPy reference on arrays)
CASES = {
    "expand_dims": (lambda x, y: K.expand_dims(x), lambda x, y: x[..., None]),
    "sum": (lambda x, y: K.sum(x, axis=1), lambda x, y: x.sum(1)),
    "mean": (lambda x, y: K.mean(x, axis=-1, keepdims=True), lambda x, y: x.mean(-1, keepdims=True)),
    "relu": (lambda x, y: K.relu(x), lambda x, y: np.maximum(x, 0)),
    "concatenate": (lambda x, y: K.concatenate([x, y], axis=-1), lambda x, y: np.concatenate([x, y], -1)),
    "reshape": (lambda x, y: K.reshape(x, (-1, 24)), lambda x, y: x.reshape(-1, 24)),
    "batch_dot": (lambda x, y: K.batch_dot(x, y, axes=(2, 2)), lambda x, y: np.einsum("bik,bjk->bij", x, y)),
    "l2_normalize": (lambda x, y: K.l2_normalize(x, axis=-1),
                     lambda x, y: x / np.sqrt(np.maximum((x * x).sum(-1, keepdims=True), 1e-12))),
    "softmax": (lambda x, y: K.softmax(x), lambda x, y: _softmax(x)),
    "argmax": (lambda x, y: K.argmax(x, axis=-1), lambda x, y: x.argmax(-1)),
    "permute_dimensions": (lambda x, y: K.permute_dimensions(x, (0, 2, 1)), lambda x, y: x.transpose(0, 2, 1)),
    "switch": (lambda x, y: K.switch(K.greater(x, 0), x, y), lambda x, y: np.where(x > 0, x, y)),
    "square_sqrt": (lambda x, y: K.sqrt(K.square(x)), lambda x, y: np.abs(x)),
    "cast": (lambda x, y: K.cast(K.greater(x, 0), "float32"), lambda x, y: (x > 0).astype("float32")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_k_function_on_keras_tensors_matches_eager_and_numpy(name):
    call, reference = CASES[name]
    x, y = keras.Input((4, 6)), keras.Input((4, 6))
    symbolic = call(x, y)
    assert isinstance(symbolic, keras.KerasTensor)
    eager = call(torch.from_numpy(X), torch.from_numpy(Y))
    assert symbolic.shape == (None,) + tuple(eager.shape[1:])
    assert symbolic.dtype == K.dtype(eager)
    got = keras.Model([x, y], symbolic).predict([X, Y], verbose=0)
    np.testing.assert_allclose(got, reference(X, Y), rtol=1e-5, atol=1e-6)


def test_static_questions_answer_without_recording():
    x = keras.Input((4, 6), dtype="float16")
    assert K.int_shape(x) == (None, 4, 6) and K.ndim(x) == 3 and K.dtype(x) == "float16"
    assert K.int_shape(K.shape(x)) == (3,)


def test_sparse_categorical_crossentropy_per_position():
    """A (batch, steps, classes) output gives a (batch, steps) loss, as tf-keras does (the symbolic dry run
    needs the same)."""
    probabilities = _softmax(X)
    target = RNG.integers(0, 6, size=(3, 4))
    got = K.sparse_categorical_crossentropy(target, torch.from_numpy(probabilities)).numpy()
    expected = -np.log(np.take_along_axis(probabilities, target[..., None], -1))[..., 0]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    symbolic = K.sparse_categorical_crossentropy(keras.Input((4,), dtype="int32"), keras.Input((4, 6)))
    assert symbolic.shape == (None, 4)


def _tf_keras_style_model():
    """Attention pooling written with K.* as tf-keras 2 code did."""
    inputs = keras.Input((5, 3))
    hidden = K.l2_normalize(K.relu(keras.layers.Dense(4)(inputs)), axis=-1)
    weights = K.softmax(K.batch_dot(hidden, hidden, axes=(2, 2)))
    context = K.batch_dot(weights, hidden, axes=(2, 1))
    pooled = K.concatenate([K.mean(context, axis=1), K.sum(context, axis=1)], axis=-1)
    flat = K.reshape(K.expand_dims(pooled), (-1, 8))
    return keras.Model(inputs, keras.layers.Dense(1)(flat))


def test_model_of_k_functions_trains_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(3)
    model = _tf_keras_style_model()
    x = RNG.normal(size=(32, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model.compile(keras.optimizers.Adam(0.05), "mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not np.allclose(before[0], model.get_weights()[0])  # the Dense below the K.* ops learned
    path = str(tmp_path / "k_ops.keras")
    model.save(path)
    expected = model.predict(x, verbose=0)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
    # and in a fresh process, where only `import tkeras` has run
    np.save(tmp_path / "x.npy", x)
    code = (f"import numpy as np, tkeras as keras; m = keras.models.load_model({path!r}); "
            f"np.save({str(tmp_path / 'got.npy')!r}, m.predict(np.load({str(tmp_path / 'x.npy')!r}), verbose=0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "got.npy"), expected, rtol=1e-6, atol=1e-6)


def test_in_train_phase_in_a_graph_follows_the_call_s_training_flag():
    x = keras.Input((3,))
    model = keras.Model(x, K.cast_to_floatx(K.in_train_phase(x * 2, x)))
    ones = np.ones((1, 3), "float32")
    np.testing.assert_array_equal(model(ones, training=True).numpy(), 2 * ones)
    np.testing.assert_array_equal(model(ones, training=False).numpy(), ones)
    np.testing.assert_array_equal(model.predict(ones, verbose=0), ones)
