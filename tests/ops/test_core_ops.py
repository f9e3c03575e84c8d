"""Control flow, scatter/segment updates, linalg, Fourier and nn ops of tkeras.ops against NumPy
references and closed forms."""
import numpy as np
import pytest
import torch

from tkeras import ops

RNG = np.random.default_rng(5)


def f32(*shape):
    return RNG.normal(size=shape).astype("float32")


def as_np(value):
    return ops.convert_to_numpy(value)


# -- control flow ------------------------------------------------------------------------------------

def test_cond_switch_and_loops():
    assert float(ops.cond(True, lambda: 1.0, lambda: 2.0)) == 1.0
    assert float(ops.cond(np.array(False), lambda: 1.0, lambda: 2.0)) == 2.0
    branches = [lambda x: x + 1, lambda x: x * 10]
    assert [ops.switch(i, branches, 3) for i in (-5, 0, 1, 9)] == [4, 4, 30, 30]  # out of range: clamped
    i, total = ops.while_loop(lambda i, t: i < 5, lambda i, t: (i + 1, t + i), (0, 0))
    assert (i, total) == (5, 10)
    assert ops.while_loop(lambda x: x < 100, lambda x: x * 2, 1, maximum_iterations=3) == 8
    assert ops.fori_loop(2, 6, lambda i, acc: acc + i, 0) == 2 + 3 + 4 + 5


def test_scan_matches_a_python_loop():
    xs = f32(6, 3)
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), np.zeros(3, "float32"), xs)
    expected_carry, expected_ys, c = None, [], np.zeros(3, "float32")
    for x in xs:
        expected_ys.append(c * x)
        c = c + x
    np.testing.assert_allclose(as_np(carry), c, rtol=1e-5)
    np.testing.assert_allclose(as_np(ys), np.stack(expected_ys), rtol=1e-5)
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, xs[:, 0], reverse=True)
    np.testing.assert_allclose(as_np(ys), np.cumsum(xs[::-1, 0])[::-1] - xs[:, 0], rtol=1e-5, atol=1e-6)
    carry, ys = ops.scan(lambda c, _: (c * 2, None), 1, length=4)
    assert carry == 16 and ys is None
    carry, ys = ops.scan(lambda c, x: (c, {"a": x["a"] * 2}), 0, {"a": xs})
    np.testing.assert_allclose(as_np(ys["a"]), xs * 2)


@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_cumulative_ops(reverse):
    x = f32(13, 2)
    got = ops.associative_scan(lambda a, b: a + b, x, reverse=reverse)
    expected = np.cumsum(x[::-1], axis=0)[::-1] if reverse else np.cumsum(x, axis=0)
    np.testing.assert_allclose(as_np(got), expected, rtol=1e-5, atol=1e-5)
    got = ops.associative_scan(lambda a, b: np.maximum(a, b) if False else torch.maximum(a, b), x, axis=1)
    np.testing.assert_allclose(as_np(got), np.maximum.accumulate(x, axis=1))
    pair = ops.associative_scan(lambda a, b: (a[0] + b[0], a[1] * b[1]), (x[:, 0], x[:, 1]))
    np.testing.assert_allclose(as_np(pair[1]), np.cumprod(x[:, 1]), rtol=1e-4)


def test_map_and_vectorized_map():
    x = f32(4, 3)
    np.testing.assert_allclose(as_np(ops.map(lambda row: row.sum(), x)), x.sum(1), rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.vectorized_map(lambda row: row * row.max(), x)),
                               x * x.max(1, keepdims=True), rtol=1e-5)
    # data-dependent Python control flow: vmap cannot trace it, the loop fallback gives the same answer
    got = ops.vectorized_map(lambda row: row * 2 if float(row.sum()) > 0 else row, x)
    np.testing.assert_allclose(as_np(got), np.where(x.sum(1, keepdims=True) > 0, x * 2, x), rtol=1e-6)
    pair = ops.vectorized_map(lambda e: e[0] + e[1], (x, x))
    np.testing.assert_allclose(as_np(pair), 2 * x)
    square = ops.vectorize(lambda a, b: a * b + 1)
    np.testing.assert_allclose(as_np(square(x, x[0])), x * x[0] + 1, rtol=1e-6)


def test_custom_gradient_replaces_the_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(upstream):
            return torch.clamp(upstream, -0.5, 0.5)
        return x * 1.0, grad

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (clipped_identity(x) * torch.tensor([3.0, -0.1])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.1])

    @ops.custom_gradient
    def log1pexp(x):  # Keras' documented example: a stable gradient for large x
        e = torch.exp(x)

        def grad(*args, upstream=None):
            upstream = args[0] if upstream is None else upstream
            return upstream * (1.0 - 1.0 / (1 + e))
        return torch.log(1 + e), grad

    x = torch.tensor(100.0, requires_grad=True)
    log1pexp(x).backward()
    assert float(x.grad) == 1.0


def test_stop_gradient_blocks_the_gradient():
    x = torch.tensor(3.0, requires_grad=True)
    (x * ops.stop_gradient(x)).backward()
    assert float(x.grad) == 3.0


# -- updates and segments ----------------------------------------------------------------------------

def test_scatter_and_updates_against_numpy():
    indices = np.array([[0, 1], [2, 3], [0, 1]])
    values = np.array([1.0, 2.0, 4.0], "float32")
    expected = np.zeros((3, 4), "float32")
    np.add.at(expected, tuple(indices.T), values)
    np.testing.assert_allclose(as_np(ops.scatter(indices, values, (3, 4))), expected)
    rows = ops.scatter(np.array([[1], [0]]), np.ones((2, 4), "float32"), (3, 4))
    np.testing.assert_allclose(as_np(rows), [[1] * 4, [1] * 4, [0] * 4])
    base = f32(4, 3)
    updated = base.copy()
    updated[[1, 3]] = -1
    np.testing.assert_allclose(as_np(ops.scatter_update(base, [[1], [3]], -np.ones((2, 3), "float32"))), updated)
    for reduction, ufunc in (("add", np.add), ("max", np.maximum), ("min", np.minimum), ("mul", np.multiply)):
        expected = base.copy()
        points = np.array([[0, 0], [0, 0], [2, 1]])
        updates = np.array([2.0, 3.0, -4.0], "float32")
        ufunc.at(expected, tuple(points.T), updates)
        np.testing.assert_allclose(as_np(ops.scatter_update(base, points, updates, reduction=reduction)), expected,
                                   rtol=1e-6, err_msg=reduction)
    patched = base.copy()
    patched[1:3, 1:3] = 9
    np.testing.assert_allclose(as_np(ops.slice_update(base, (1, 1), np.full((2, 2), 9, "float32"))), patched)


@pytest.mark.parametrize("name, ufunc, empty", [("segment_sum", np.add, 0.0), ("segment_max", np.maximum, -np.inf),
                                                 ("segment_min", np.minimum, np.inf), ("segment_prod", np.multiply, 1.0)])
def test_segment_reductions_against_numpy(name, ufunc, empty):
    data = f32(7, 2)
    ids = np.array([0, 2, 2, 0, 3, 3, 3])
    expected = np.full((5, 2), empty, "float32")
    ufunc.at(expected, ids, data)
    np.testing.assert_allclose(as_np(getattr(ops, name)(data, ids, num_segments=5)), expected, rtol=1e-6)
    assert tuple(getattr(ops, name)(data, ids).shape) == (4, 2)  # num_segments from the largest id


def test_top_k_in_top_k_and_saturate_cast():
    x = f32(3, 6)
    values, indices = ops.top_k(x, 2)
    np.testing.assert_allclose(as_np(values), -np.sort(-x, axis=1)[:, :2])
    np.testing.assert_array_equal(as_np(indices), np.argsort(-x, axis=1)[:, :2])
    targets = np.argsort(-x, axis=1)[:, 2]  # third largest: in the top 3, not the top 2
    assert as_np(ops.in_top_k(targets, x, 3)).all() and not as_np(ops.in_top_k(targets, x, 2)).any()
    ties = np.array([[1.0, 1.0, 0.0]], "float32")
    assert as_np(ops.in_top_k(np.array([1]), ties, 1)).all()  # a tie with the best counts as in, as TensorFlow
    np.testing.assert_array_equal(as_np(ops.saturate_cast(np.array([-5.0, 3.7, 1e6]), "uint8")), [0, 3, 255])
    np.testing.assert_array_equal(as_np(ops.saturate_cast(np.array([70000, -70000], "int32"), "int16")),
                                  [32767, -32768])


def test_extract_sequences_and_rearrange():
    x = f32(2, 10)
    frames = as_np(ops.extract_sequences(x, 4, 3))
    np.testing.assert_allclose(frames, np.stack([x[:, i:i + 4] for i in range(0, 7, 3)], axis=1))
    y = f32(2, 6, 5)
    np.testing.assert_allclose(as_np(ops.rearrange(y, "b (h w) c -> b c h w", h=3)),
                               y.reshape(2, 3, 2, 5).transpose(0, 3, 1, 2))
    np.testing.assert_allclose(as_np(ops.rearrange(y, "b t c -> (b t) c")), y.reshape(12, 5))
    assert ops.dtype(np.zeros(2, "int16")) == "int16" and ops.is_tensor(ops.ones(2)) and not ops.is_tensor([1])


# -- linear algebra ----------------------------------------------------------------------------------

def spd(n):
    a = RNG.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


def test_linalg_against_numpy():
    a, b = spd(4), RNG.normal(size=(4, 2))
    la = ops.linalg
    np.testing.assert_allclose(as_np(la.inv(a)), np.linalg.inv(a), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(as_np(la.solve(a, b)), np.linalg.solve(a, b), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(as_np(la.det(a)), np.linalg.det(a), rtol=1e-6)
    lower = as_np(la.cholesky(a))
    np.testing.assert_allclose(lower, np.linalg.cholesky(a), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(as_np(la.cholesky(a, upper=True)), lower.T, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(as_np(la.cholesky_inverse(lower)), np.linalg.inv(a), rtol=1e-6, atol=1e-8)
    values, vectors = la.eigh(a)
    np.testing.assert_allclose(as_np(values), np.linalg.eigvalsh(a), rtol=1e-6)
    np.testing.assert_allclose(as_np(vectors) @ np.diag(as_np(values)) @ as_np(vectors).T, a, rtol=1e-6, atol=1e-8)
    values, vectors = la.eig(a)
    np.testing.assert_allclose(np.sort(as_np(values).real), np.sort(np.linalg.eigvals(a).real), rtol=1e-6)
    m = RNG.normal(size=(5, 3))
    u, s, vt = (as_np(t) for t in la.svd(m, full_matrices=False))
    np.testing.assert_allclose(u * s @ vt, m, atol=1e-10)
    np.testing.assert_allclose(as_np(la.svd(m, compute_uv=False)), np.linalg.svd(m, compute_uv=False), rtol=1e-8)
    q, r = (as_np(t) for t in la.qr(m))
    np.testing.assert_allclose(q @ r, m, atol=1e-10)
    assert q.shape == (5, 3) and as_np(la.qr(m, mode="complete")[0]).shape == (5, 5)
    rhs = RNG.normal(size=(5,))
    np.testing.assert_allclose(as_np(la.lstsq(m, rhs)), np.linalg.lstsq(m, rhs, rcond=None)[0], rtol=1e-6)
    np.testing.assert_allclose(as_np(la.pinv(m)), np.linalg.pinv(m), rtol=1e-6, atol=1e-8)
    assert int(la.matrix_rank(np.outer(rhs, rhs))) == 1
    tri_low = np.tril(a)
    np.testing.assert_allclose(as_np(la.solve_triangular(tri_low, b, lower=True)), np.linalg.solve(tri_low, b),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(as_np(la.norm(m, ord=1, axis=0)), np.linalg.norm(m, ord=1, axis=0), rtol=1e-8)
    np.testing.assert_allclose(as_np(ops.logdet(a)), np.log(np.linalg.det(a)), rtol=1e-6)
    sign, logabs = ops.slogdet(-a)
    np.testing.assert_allclose([float(sign), float(logabs)], np.linalg.slogdet(-a), rtol=1e-6)
    lu, pivots = la.lu_factor(a)
    assert as_np(pivots).min() >= 0  # SciPy's 0-based pivots


def test_jvp_is_the_directional_derivative():
    x, direction = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    out, tangent = ops.linalg.jvp(lambda v: (v ** 3).sum(), (x,), (direction,))
    assert float(out) == 9.0
    np.testing.assert_allclose(float(tangent), (3 * x ** 2 * direction).sum())


# -- Fourier -----------------------------------------------------------------------------------------

def test_fourier_ops_against_numpy():
    real, imag = f32(3, 8), f32(3, 8)
    got = ops.fft((real, imag))
    expected = np.fft.fft(real + 1j * imag)
    np.testing.assert_allclose(as_np(got[0]), expected.real, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(as_np(got[1]), expected.imag, rtol=1e-4, atol=1e-4)
    got = ops.fft2((real, imag))
    np.testing.assert_allclose(as_np(got[0]) + 1j * as_np(got[1]), np.fft.fft2(real + 1j * imag), atol=1e-4)
    back = ops.ifft2(got)
    np.testing.assert_allclose(as_np(back[0]), real, atol=1e-5)
    spectrum = ops.rfft(real, fft_length=6)
    np.testing.assert_allclose(as_np(spectrum[0]) + 1j * as_np(spectrum[1]), np.fft.rfft(real, n=6), atol=1e-5)
    np.testing.assert_allclose(as_np(ops.irfft(ops.rfft(real))), real, atol=1e-5)


def test_stft_then_istft_reconstructs_the_signal():
    signal = f32(2, 128)
    spectrum = ops.stft(signal, 32, 8, 32)
    assert tuple(spectrum[0].shape) == (2, 128 // 8 + 1, 17)
    # one frame checked by hand: the centred, reflect-padded, hann-windowed rfft
    padded = np.pad(signal[0], 16, mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(32) / 32)
    frame = np.fft.rfft(padded[24:56] * window)
    np.testing.assert_allclose(as_np(spectrum[0])[0, 3], frame.real, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(as_np(ops.istft(spectrum, 32, 8, 32, length=128)), signal, atol=1e-5)


# -- nn ----------------------------------------------------------------------------------------------

def numpy_sparsemax(z):
    ordered = -np.sort(-z)
    cumulative = np.cumsum(ordered)
    k = np.arange(1, len(z) + 1)
    support = k[1 + k * ordered > cumulative].max()
    tau = (cumulative[support - 1] - 1) / support
    return np.maximum(z - tau, 0)


def test_activations_against_closed_forms():
    x = f32(4, 6) * 3
    np.testing.assert_allclose(as_np(ops.sparsemax(x)), np.stack([numpy_sparsemax(r) for r in x]), atol=1e-6)
    np.testing.assert_allclose(as_np(ops.sparsemax(x)).sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(as_np(ops.hard_tanh(x)), np.clip(x, -1, 1))
    np.testing.assert_allclose(as_np(ops.hard_shrink(x, 1.0)), np.where(np.abs(x) > 1, x, 0))
    np.testing.assert_allclose(as_np(ops.tanh_shrink(x)), x - np.tanh(x), atol=1e-6)
    np.testing.assert_allclose(as_np(ops.threshold(x, 0.5, -9.0)), np.where(x > 0.5, x, -9.0))
    a, b = x[:, :3], x[:, 3:]
    np.testing.assert_allclose(as_np(ops.glu(x)), a / (1 + np.exp(-b)), rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.squareplus(x, b=4)), (x + np.sqrt(x * x + 4)) / 2, rtol=1e-6)
    np.testing.assert_allclose(as_np(ops.leaky_relu(x, negative_slope=0.1)), np.where(x > 0, x, 0.1 * x), rtol=1e-6)
    np.testing.assert_allclose(as_np(ops.nn.leaky_relu(x, alpha=0.3)), np.where(x > 0, x, 0.3 * x), rtol=1e-6)


def test_normalizations_against_numpy():
    x = f32(3, 4, 5)
    mean, var = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    np.testing.assert_allclose(as_np(ops.batch_normalization(x, mean, var, axis=-1, epsilon=1e-3)),
                               (x - mean) / np.sqrt(var + 1e-3), rtol=1e-5, atol=1e-5)
    gamma = f32(4, 5)
    got = ops.layer_normalization(x, gamma=gamma, axis=(-2, -1), epsilon=1e-5)
    centred = x - x.mean(axis=(1, 2), keepdims=True)
    expected = centred / np.sqrt(x.var(axis=(1, 2), keepdims=True) + 1e-5) * gamma
    np.testing.assert_allclose(as_np(got), expected, rtol=1e-4, atol=1e-5)
    got = ops.layer_normalization(x, axis=1)  # a middle axis: the explicit path
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-7)
    np.testing.assert_allclose(as_np(got), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(as_np(ops.rms_normalization(x, axis=0)),
                               x / np.sqrt((x ** 2).mean(0, keepdims=True) + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.normalize(x, axis=1)), x / np.linalg.norm(x, axis=1, keepdims=True),
                               rtol=1e-5)
    assert as_np(ops.layer_normalization(x.astype("float16"))).dtype == np.float16


def test_crossentropies_against_numpy():
    logits = f32(4, 5)
    probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = np.array([0, 3, 1, 4])
    onehot = np.eye(5, dtype="float32")[labels]
    expected = -np.log(probabilities[np.arange(4), labels])
    np.testing.assert_allclose(as_np(ops.categorical_crossentropy(onehot, logits, from_logits=True)), expected,
                               rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.categorical_crossentropy(onehot, probabilities)), expected, rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)),
                               expected, rtol=1e-5)
    p = 1 / (1 + np.exp(-logits))
    target = (logits > 0.3).astype("float32")
    bce = -(target * np.log(p) + (1 - target) * np.log(1 - p))
    np.testing.assert_allclose(as_np(ops.binary_crossentropy(target, logits, from_logits=True)), bce, rtol=1e-5)
    np.testing.assert_allclose(as_np(ops.binary_crossentropy(target, p)), bce, rtol=1e-4)


def test_dot_product_attention_against_numpy():
    q, k, v = f32(2, 3, 4, 8), f32(2, 5, 4, 8), f32(2, 5, 4, 8)
    logits = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(8)
    mask = RNG.random((2, 1, 3, 5)) > 0.4
    mask[..., 0] = True
    weights = np.exp(np.where(mask, logits, -np.inf))
    weights /= weights.sum(-1, keepdims=True)
    expected = np.einsum("bhqk,bkhd->bqhd", weights, v)
    np.testing.assert_allclose(as_np(ops.dot_product_attention(q, k, v, mask=mask)), expected, rtol=1e-4, atol=1e-5)
    grouped = ops.dot_product_attention(q, k[:, :, :2], v[:, :, :2])  # 4 query heads share 2 key/value heads
    assert tuple(grouped.shape) == (2, 3, 4, 8)


def test_ctc_greedy_decode_by_hand():
    # best path per step: 1 1 0 2 2 0 3 (blank = 0) -> 1 2 3; the second sample's length cuts it to 1 1 0 -> 1
    path = np.array([1, 1, 0, 2, 2, 0, 3])
    logits = np.full((2, 7, 4), -5.0, "float32")
    logits[:, np.arange(7), path] = 2.0
    decoded, scores = ops.ctc_decode(logits, np.array([7, 3]))
    np.testing.assert_array_equal(as_np(decoded)[0], [[1, 2, 3, -1, -1, -1, -1], [1, -1, -1, -1, -1, -1, -1]])
    np.testing.assert_allclose(as_np(scores)[:, 0], [-14.0, -6.0])


def test_conv_matches_a_direct_correlation():
    x, kernel = f32(1, 6, 5, 2), f32(3, 2, 2, 4)
    got = as_np(ops.conv(x, kernel))
    expected = np.zeros((1, 4, 4, 4), "float32")
    for i in range(4):
        for j in range(4):
            expected[0, i, j] = np.einsum("hwc,hwco->o", x[0, i:i + 3, j:j + 2], kernel)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    pooled = as_np(ops.max_pool(x, 2))
    np.testing.assert_allclose(pooled, x[:, :6, :4].reshape(1, 3, 2, 2, 2, 2).max(axis=(2, 4)))


def test_new_random_draws():
    draws = as_np(ops.random.gamma((20000,), 3.0, seed=1))
    assert abs(draws.mean() - 3.0) < 0.1 and abs(draws.var() - 3.0) < 0.25
    assert np.array_equal(draws, as_np(ops.random.gamma((20000,), 3.0, seed=1)))
    beta = as_np(ops.random.beta((20000,), 2.0, 6.0, seed=2))
    assert abs(beta.mean() - 0.25) < 0.01
    binomial = as_np(ops.random.binomial((20000,), 10, 0.3, seed=3))
    assert abs(binomial.mean() - 3.0) < 0.08 and binomial.max() <= 10
    kept = as_np(ops.random.dropout(np.ones((100, 100), "float32"), 0.25, seed=4))
    np.testing.assert_allclose(np.unique(kept), [0.0, 1.0 / 0.75], rtol=1e-6)
    assert abs((kept == 0).mean() - 0.25) < 0.03
    assert as_np(ops.random.categorical(np.log([[0.5, 0.5]]), 4, seed=1)).dtype == np.int32
