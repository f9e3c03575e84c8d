"""Dense on wide inputs through oneDNN (backend/dense_matmul.py): values and gradients against NumPy in
float64, higher derivatives against torch's ops, and the cases that keep torch's ops."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras.backend import dense_matmul

pytestmark = pytest.mark.skipif(not dense_matmul.available(), reason="this torch has no oneDNN linear")


def _layer(inputs, units, activation, seed=0):
    layer = keras.layers.Dense(units, activation=activation)
    layer.build((None, inputs))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.05, (inputs, units)).astype("float32"),
                       rng.normal(0, 0.5, (units,)).astype("float32")])
    return layer


def _made_by(tensor):
    """The autograd node that computed `tensor`, past the alias a depth-0 call adds."""
    node = tensor.grad_fn
    while node is not None and type(node).__name__ == "AliasBackward0":
        node = node.next_functions[0][0]
    return type(node).__name__


def _reference(x, kernel, bias, upstream, relu):
    """Forward and the three gradients of sum(upstream * relu?(x @ kernel + bias)), in float64."""
    pre = x @ kernel + bias
    out = np.maximum(pre, 0) if relu else pre
    g = upstream * (pre > 0) if relu else upstream
    return out, g @ kernel.T, x.T @ g, g.sum(0)


@pytest.mark.parametrize("rows, inputs, units, activation", [
    (256, 4096, 16, "relu"),     # every product through oneDNN (input gradient too)
    (64, 10000, 8, None),        # forward and kernel gradient; input gradient by torch (units < 16)
    (512, 2048, 32, "relu"),
])
def test_values_and_gradients_match_numpy(rows, inputs, units, activation):
    assert dense_matmul.forward_wants_onednn(rows, inputs, units, training=True)
    layer = _layer(inputs, units, activation)
    rng = np.random.default_rng(1)
    x_np = (rng.random((rows, inputs)) < 0.05).astype("float32") * rng.normal(size=(rows, inputs)).astype("float32")
    upstream = rng.normal(size=(rows, units)).astype("float32")
    x = torch.tensor(x_np, requires_grad=True)
    out = layer(x)
    assert _made_by(out) == "_DenseBackward"
    (out * torch.from_numpy(upstream)).sum().backward()
    kernel, bias = (w.astype("float64") for w in layer.get_weights())
    ref_out, ref_x, ref_kernel, ref_bias = _reference(x_np.astype("float64"), kernel, bias, upstream, activation == "relu")
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(x.grad.numpy(), ref_x, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.kernel.grad.numpy(), ref_kernel, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(layer.bias.grad.numpy(), ref_bias, rtol=1e-4, atol=1e-3)
    # in the kernel's own layout, as the optimizers' one-pass kernels expect
    assert layer.kernel.grad.stride() == layer.kernel.stride()


def test_inference_runs_onednn_without_autograd(monkeypatch):
    layer = _layer(4096, 16, "relu")
    x = torch.from_numpy(np.random.default_rng(2).normal(size=(128, 4096)).astype("float32"))
    calls = []
    real = dense_matmul._linear
    monkeypatch.setattr(dense_matmul, "_linear", lambda *a, **k: calls.append(1) or real(*a, **k))
    with torch.no_grad():
        out = layer(x)
    assert calls == [1] and out.grad_fn is None
    ref = np.maximum(x.numpy().astype("float64") @ layer.kernel.detach().numpy() + layer.bias.detach().numpy(), 0)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-4)


def _count_linear(monkeypatch):
    calls = []
    real = dense_matmul._linear
    monkeypatch.setattr(dense_matmul, "_linear", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_mnist_first_layer_takes_onednn_in_inference_only(monkeypatch):
    """784 -> 512 with a ReLU: oneDNN's fused product in predict, torch's addmm when a backward follows."""
    layer = _layer(784, 512, "relu")
    x_np = np.random.default_rng(4).normal(size=(128, 784)).astype("float32")
    calls = _count_linear(monkeypatch)
    with torch.no_grad():
        out = layer(torch.from_numpy(x_np))
    assert calls == [1]
    ref = np.maximum(x_np.astype("float64") @ layer.kernel.detach().numpy() + layer.bias.detach().numpy(), 0)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-4)
    trained = layer(torch.tensor(x_np, requires_grad=True))
    assert calls == [1] and _made_by(trained) != "_DenseBackward"
    np.testing.assert_allclose(trained.detach().numpy(), ref, rtol=1e-4, atol=1e-4)
    # the Dense-stack train step asks for the training rule although it runs without autograd
    with torch.no_grad():
        dense_matmul.dense(torch.from_numpy(x_np), layer.kernel, layer.bias, True, training=True)
    assert calls == [1]


def test_narrow_head_keeps_mkl_forward_and_transposes_its_kernel_gradient(monkeypatch):
    """A 10-class head on 512 features: MKL's forward and input gradient; the kernel gradient computed as
    (g^T x)^T, in the kernel's layout."""
    layer = _layer(512, 10, "softmax")
    calls = _count_linear(monkeypatch)
    with torch.no_grad():
        layer(torch.randn(128, 512))
    assert calls == [] and not dense_matmul.input_grad_wants_onednn(128, 512, 10)
    assert dense_matmul.narrow_head(128, 512, 10)
    rng = np.random.default_rng(6)
    x_np, g_np = rng.normal(size=(128, 512)).astype("float32"), rng.normal(size=(128, 10)).astype("float32")
    kernel = layer.kernel.detach()
    grad_x, grad_kernel, grad_bias = dense_matmul.products_backward(
        torch.from_numpy(g_np), torch.from_numpy(x_np), kernel, True, True, True)
    assert calls == []
    x64, g64 = x_np.astype("float64"), g_np.astype("float64")
    np.testing.assert_allclose(grad_x.numpy(), g64 @ kernel.numpy().T, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grad_kernel.numpy(), x64.T @ g64, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(grad_bias.numpy(), g64.sum(0), rtol=1e-4, atol=1e-4)
    assert not dense_matmul.narrow_head(128, 512, 1)  # one unit
    assert not dense_matmul.narrow_head(128, 512, 16)  # a multiple of MKL's vector width
    assert not dense_matmul.narrow_head(32, 512, 10)  # small products


def test_second_derivatives_are_torchs():
    """A gradient penalty: d/dkernel of |d sum(out^2) / dx|^2, against the same through addmm + relu."""
    layer = _layer(4096, 16, "relu")
    x_np = np.random.default_rng(3).normal(size=(256, 4096)).astype("float32")

    def penalty_grad(forward):
        x = torch.tensor(x_np, requires_grad=True)
        (grad_x,) = torch.autograd.grad((forward(x) ** 2).sum(), x, create_graph=True)
        (grad_kernel,) = torch.autograd.grad((grad_x ** 2).sum(), layer.kernel)
        return grad_kernel

    ours = penalty_grad(layer)
    reference = penalty_grad(lambda x: torch.relu(torch.addmm(layer.bias, x, layer.kernel)))
    reference = reference.detach().numpy()
    # float32 sums over 4,096 products of values up to ~1e4: rounding, relative to the largest entry
    np.testing.assert_allclose(np.asarray(ours.detach()), reference, rtol=1e-4, atol=1e-5 * np.abs(reference).max())


def test_sigmoid_output_keeps_its_logits():
    layer = _layer(4096, 1, "sigmoid")
    x = torch.from_numpy(np.random.default_rng(4).normal(size=(2048, 4096)).astype("float32"))
    out = layer(x)
    assert _made_by(out._keras_logits) == "_DenseBackward"
    torch.testing.assert_close(out, torch.sigmoid(out._keras_logits))


@pytest.mark.parametrize("case", ["float64", "narrow", "rank3", "autocast"])
def test_other_cases_keep_torchs_ops(case):
    inputs = 64 if case == "narrow" else 4096
    layer = _layer(inputs, 16, "relu")
    x = torch.randn(2, 256, inputs) if case == "rank3" else torch.randn(256, inputs)
    if case == "float64":
        layer = keras.layers.Dense(16, activation="relu", dtype="float64")
        layer.build((None, inputs))
        x = x.double()
    if case == "autocast":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = layer(x)
    else:
        out = layer(x)
    assert _made_by(out) != "_DenseBackward"


def test_fit_through_onednn_matches_torchs_ops(monkeypatch):
    """One epoch of the IMDB multi-hot model, with and without the oneDNN products, from the same weights."""
    rng = np.random.default_rng(5)
    x = (rng.random((1024, 4096)) < 0.02).astype("float32")
    y = rng.integers(0, 2, 1024).astype("float32")

    def train(available):
        monkeypatch.setattr(dense_matmul, "_AVAILABLE", available)
        keras.utils.set_random_seed(7)
        model = keras.Sequential([keras.Input((4096,)), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        history = model.fit(x, y, batch_size=512, epochs=2, verbose=0, shuffle=False)
        return history.history["loss"], model.get_weights()

    losses, weights = train(True)
    ref_losses, ref_weights = train(False)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-4)
    for w, r in zip(weights, ref_weights):
        np.testing.assert_allclose(w, r, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("shape", [(10000, 16), (784, 512), (10, 512), (1, 20000), (20000, 1)])
def test_untransposed_copies_a_transposed_view_into_the_contiguous_layout(shape):
    base = torch.randn(shape[1], shape[0])
    view = base.t()
    copy = dense_matmul.untransposed(view)
    assert copy.shape == view.shape and copy.is_contiguous() and torch.equal(copy, view)
    if not view.is_contiguous():
        assert copy.data_ptr() != base.data_ptr()
        base.add_(1.0)  # a copy, not a view of the gradient's memory
        assert not torch.equal(copy, view)
