"""The `tensorflow` namespace tkeras provides: seed 004's low-level half run through it, plus its contract."""
import contextlib
import io
import pathlib
import sys

import numpy as np
import pytest
import torch

import tkeras
from tkeras.compat import tf_namespace as tf

SEED_004 = pathlib.Path(__file__).resolve().parents[3] / "shared" / "tutorials" / "004_tf_and_keras_basics.py"


@pytest.fixture
def tensorflow_modules(monkeypatch):
    """`import tensorflow` inside this test only: sys.modules entries pointing at tkeras' namespace."""
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    monkeypatch.setitem(sys.modules, "tensorflow.keras", tkeras)
    monkeypatch.setitem(sys.modules, "tensorflow.keras.layers", tkeras.layers)


def _has_optimizers():
    return callable(getattr(tkeras.optimizers, "get", None))


@pytest.mark.skipif(not SEED_004.is_file(), reason="../shared/tutorials is not present")
def test_seed_004_low_level_half(tensorflow_modules):
    source = SEED_004.read_text()
    if not _has_optimizers():  # the compile/fit half needs tkeras.optimizers
        source = source.split("model = keras.Sequential([")[0]
    out = io.StringIO()
    np.random.seed(0)
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(SEED_004), "exec"), {"__name__": "__seed004__"})
    text = out.getvalue()
    assert "tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)" in text
    assert "TypeError: 'EagerTensor' object does not support item assignment" in text
    assert "ValueError: Cannot assign a value of shape (3, 2)" in text
    assert "tf.Tensor(6.0, shape=(), dtype=float32)" in text
    assert "<tf.Variable 'Variable:0' shape=(3, 1) dtype=float32, numpy=\narray([[3.],\n       [1.],\n       [1.]]" \
        in text
    losses = [float(line.split(":")[1]) for line in text.splitlines() if line.startswith("Loss at step")]
    assert len(losses) == 40 and losses[-1] < losses[0] / 5
    assert float(text.split("accuracy:")[1].split()[0]) > 0.9
    assert "\n(128, 512)\n" in text and "\n(4, 10)\n" in text


def test_variable_contract():
    v = tf.Variable(np.zeros((2, 2), "float32"), name="w")
    assert repr(v).startswith("<tf.Variable 'w:0' shape=(2, 2) dtype=float32, numpy=")
    v[0, 1].assign(5.0)
    v[1].assign_add([1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [[0, 5], [1, 2]])
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2, 2\)"):
        v.assign(np.zeros(3))
    assert str(v.shape) == "(2, 2)" and v.dtype == tf.float32
    assert isinstance(v * 2, tf.Tensor)
    assert isinstance(tkeras.layers.Dense(2)(np.ones((1, 3))), tf.Tensor)
    dense = tkeras.layers.Dense(2)
    dense.build((None, 3))
    assert isinstance(dense.kernel, tf.Variable)  # layer weights are tf.Variables too
    assert not isinstance(torch.ones(1), tf.Variable)
    assert tf.Variable(3.0, trainable=False).requires_grad is False


def test_names_tutorials_use():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert tf.reduce_sum(x).numpy() == 10.0
    np.testing.assert_array_equal(tf.argmax(x).numpy(), [1, 1])  # TF: axis=None means axis 0
    np.testing.assert_array_equal(tf.shape(x).numpy(), [2, 2])
    assert tf.shape(x).dtype == tf.int32
    np.testing.assert_array_equal(tf.transpose(x, perm=[1, 0]).numpy(), [[1, 3], [2, 4]])
    np.testing.assert_array_equal(tf.concat([x, x], axis=0).numpy().shape, (4, 2))
    np.testing.assert_array_equal(tf.clip_by_value(x, 1.5, 3.5).numpy(), [[1.5, 2.0], [3.0, 3.5]])
    np.testing.assert_array_equal(tf.boolean_mask(x, x > 2).numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(tf.range(3).numpy(), [0, 1, 2])
    np.testing.assert_allclose(tf.nn.softmax(x).numpy().sum(-1), [1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(tf.math.reduce_mean(x, axis=1).numpy(), [1.5, 3.5])
    assert x[tf.newaxis].shape == (1, 2, 2)
    assert tf.cast(x, tf.int32).dtype == torch.int32
    assert tf.keras is tkeras and tf.executing_eagerly()


def test_unsupported_names_fail_in_one_line():
    with pytest.raises(AttributeError, match=r"^tf\.sysconfig is not supported in tkeras$"):
        tf.sysconfig
    with pytest.raises(AttributeError, match=r"^tf\.estimator is not supported in tkeras \(TensorFlow 1\.x-2\.15 .*\): use a tf\.keras model"):
        tf.estimator
    with pytest.raises(AttributeError, match=r"^tf\.nn\.conv2d_transpose_v9 is not supported in tkeras$"):
        tf.nn.conv2d_transpose_v9
    assert not hasattr(tf.math, "no_such_function")


def test_set_seed_repeats_draws():
    tf.random.set_seed(5)
    first = tf.random.normal((3,)).numpy()
    tf.random.set_seed(5)
    np.testing.assert_array_equal(first, tf.random.normal((3,)).numpy())


def test_function_decorator_is_transparent():
    calls = []

    @tf.function
    def double(x):
        calls.append(1)
        return x * 2

    @tf.function(jit_compile=False)
    def triple(x):
        return x * 3

    assert float(double(tf.constant(2.0))) == 4.0 and float(triple(tf.constant(2.0))) == 6.0
    assert len(calls) == 1


def test_function_jit_compile_falls_back_silently(monkeypatch):
    def broken_compile(fn):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(torch, "compile", broken_compile)

    @tf.function(jit_compile=True)
    def square(x):
        return x * x

    assert float(square(tf.constant(3.0))) == 9.0
    assert float(square(tf.constant(4.0))) == 16.0
