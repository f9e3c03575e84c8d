"""MultiHeadAttention, Attention, AdditiveAttention and EinsumDense against NumPy references, plus
Keras 3's weight layout in `.keras` files and a tiny Transformer text classifier that learns."""
import json
import os
import zipfile

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.keras_files import weight_shapes
from tests.layer_testing import run_layer_test
from tkeras import layers

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# -- NumPy references -------------------------------------------------------------------------------
def np_masked_softmax(scores, allowed):
    """Softmax over the allowed entries only; a row with nothing allowed is uniform (Keras' default
    path: every score there is pushed equally far down)."""
    if allowed is None:
        allowed = np.ones(scores.shape, bool)
    allowed = np.broadcast_to(allowed, scores.shape)
    empty = ~allowed.any(-1, keepdims=True)
    allowed = allowed | empty
    masked = np.where(allowed, np.where(empty, 0.0, scores), -np.inf)
    e = np.exp(masked - masked.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_mha(query, value, key, weights, key_dim, allowed=None):
    """Multi-head attention from the Keras-layout weights; `allowed` is (B, T, S) or None."""
    qk, qb, kk, kb, vk, vb, ok, ob = [w.astype(np.float64) for w in weights]
    q = np.einsum("btd,dnh->btnh", query, qk) + qb
    k = np.einsum("bsd,dnh->bsnh", key, kk) + kb
    v = np.einsum("bsd,dnh->bsnh", value, vk) + vb
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(key_dim)
    probs = np_masked_softmax(scores, None if allowed is None else allowed[:, None])
    heads = np.einsum("bnts,bsnh->btnh", probs, v)
    return np.einsum("btnh,nhd->btd", heads, ok) + ob, probs


def _random_weights(layer, seed=1):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5 for w in layer.get_weights()])
    return layer.get_weights()


# -- MultiHeadAttention ---------------------------------------------------------------------------
def test_mha_weights_have_keras_shapes_names_and_order():
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    layer(_rand(2, 6, 8), _rand(2, 7, 10))
    shapes = [w.shape for w in layer.get_weights()]
    assert shapes == [(8, 3, 4), (3, 4), (10, 3, 4), (3, 4), (10, 3, 5), (3, 5), (3, 5, 8), (8,)]
    assert [sub.name for sub in (layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense)] \
        == ["query", "key", "value", "attention_output"]
    assert [w.name for w in layer.weights] == ["kernel", "bias"] * 4
    assert layer.count_params() == sum(int(np.prod(s)) for s in shapes)
    no_bias = layers.MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False)
    no_bias(_rand(1, 3, 8), _rand(1, 3, 8))
    assert [w.shape for w in no_bias.get_weights()] == [(8, 2, 4)] * 3 + [(2, 4, 8)]


@pytest.mark.parametrize("scores", [False, True])
def test_mha_matches_numpy_cross_attention(scores):
    query, value, key = _rand(2, 4, 6, seed=0), _rand(2, 5, 7, seed=1), _rand(2, 5, 3, seed=2)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    layer(query, value, key)
    weights = _random_weights(layer)
    expected, probs = np_mha(query, value, key, weights, key_dim=3)
    result = layer(query, value, key, return_attention_scores=scores)
    if scores:
        result, got_probs = result
        assert tuple(got_probs.shape) == (2, 2, 4, 5)
        np.testing.assert_allclose(_np(got_probs), probs, atol=1e-5)
    np.testing.assert_allclose(_np(result), expected, atol=1e-4)


def test_mha_fused_and_explicit_paths_agree_under_every_mask():
    rng = np.random.default_rng(3)
    x = _rand(3, 6, 8, seed=4)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    layer(x, x)
    weights = _random_weights(layer)
    query_mask = np.array([[1, 1, 1, 1, 0, 0], [1] * 6, [1, 1, 0, 0, 0, 0]], bool)
    value_mask = np.array([[1, 1, 1, 1, 0, 0], [1, 0, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0]], bool)
    explicit = rng.random((3, 6, 6)) > 0.3
    causal = np.tril(np.ones((6, 6), bool))[None]
    cases = [
        ({"use_causal_mask": True}, causal),
        ({"attention_mask": explicit}, explicit),
        ({"query_mask": query_mask, "value_mask": value_mask},
         query_mask[:, :, None] & value_mask[:, None, :]),
        ({"value_mask": value_mask, "attention_mask": explicit, "use_causal_mask": True},
         value_mask[:, None, :] & explicit & causal),
    ]
    for kwargs, allowed in cases:
        allowed = np.broadcast_to(allowed, (3, 6, 6))
        expected, probs = np_mha(x, x, x, weights, key_dim=4, allowed=allowed)
        fused = layer(x, x, **kwargs)
        explicit_out, got_probs = layer(x, x, return_attention_scores=True, **kwargs)
        np.testing.assert_allclose(_np(fused), expected, atol=1e-4, err_msg=str(list(kwargs)))
        np.testing.assert_allclose(_np(explicit_out), expected, atol=1e-4, err_msg=str(list(kwargs)))
        np.testing.assert_allclose(_np(got_probs), probs, atol=1e-5, err_msg=str(list(kwargs)))


def test_mha_fully_masked_query_rows_attend_uniformly_on_both_paths():
    x = _rand(1, 4, 8)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    layer(x, x)
    weights = _random_weights(layer)
    padded = np.array([[1, 1, 0, 0]], bool)
    expected, probs = np_mha(x, x, x, weights, key_dim=4, allowed=padded[:, :, None] & padded[:, None, :])
    np.testing.assert_allclose(probs[0, :, 2:], 0.25)
    fused = layer(x, x, query_mask=padded, value_mask=padded)
    explicit, got_probs = layer(x, x, query_mask=padded, value_mask=padded, return_attention_scores=True)
    for out in (fused, explicit):
        np.testing.assert_allclose(_np(out), expected, atol=1e-4)
    np.testing.assert_allclose(_np(got_probs), probs, atol=1e-6)


def test_mha_takes_padding_masks_from_embedding_and_keeps_the_query_mask():
    tokens = np.array([[3, 5, 2, 0, 0], [7, 1, 4, 9, 0]])
    embed = layers.Embedding(12, 8, mask_zero=True)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    x = embed(tokens)
    out = layer(x, x)
    np.testing.assert_array_equal(_np(out._keras_mask), tokens != 0)
    data = _np(x)
    expected, _ = np_mha(data, data, data, layer.get_weights(), key_dim=4,
                         allowed=(tokens != 0)[:, :, None] & (tokens != 0)[:, None, :])
    np.testing.assert_allclose(_np(out), expected, atol=1e-4)

    # As in Keras, the layer consumed the masks of its inputs: a later layer fed `x` sees none.
    assert getattr(x, "_keras_mask", None) is None

    # Only the value carries a mask (cross-attention from an unmasked query).
    x = embed(tokens)
    query = _rand(2, 3, 8)
    out = layer(query, x)
    assert getattr(out, "_keras_mask", None) is None
    expected, _ = np_mha(query, data, data, layer.get_weights(), key_dim=4,
                         allowed=np.broadcast_to((tokens != 0)[:, None, :], (2, 3, 5)))
    np.testing.assert_allclose(_np(out), expected, atol=1e-4)


def test_mha_dropout_only_in_training_and_scores_stay_probabilities():
    x = _rand(2, 5, 8)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5)
    reference = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    layer(x, x)
    reference(x, x)
    reference.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(layer(x, x)), _np(reference(x, x)), atol=1e-5)
    torch.manual_seed(0)
    assert not np.allclose(_np(layer(x, x, training=True)), _np(reference(x, x)), atol=1e-3)
    _, probs = layer(x, x, training=True, return_attention_scores=True)
    np.testing.assert_allclose(_np(probs).sum(-1), 1.0, atol=1e-5)


def test_mha_output_shape_gate_and_sliding_window():
    x = _rand(2, 6, 8)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4, output_shape=(3, 5))
    assert tuple(layer(x, x).shape) == (2, 6, 3, 5)
    assert layer.get_weights()[6].shape == (2, 4, 3, 5)
    assert layer.compute_output_shape((None, 6, 8), (None, 6, 8)) == (None, 6, 3, 5)

    gated = layers.MultiHeadAttention(num_heads=2, key_dim=4, use_gate=True)
    gated(x, x)
    assert [w.shape for w in gated.get_weights()][4:6] == [(8, 2, 4), (2, 4)]  # query, key, gate, ...

    window = layers.MultiHeadAttention(num_heads=2, key_dim=4, sliding_window=2)
    window(x, x)
    weights = _random_weights(window)
    steps = np.arange(6)
    band = np.abs(steps[:, None] - steps[None, :]) < 2
    expected, _ = np_mha(x, x, x, weights, key_dim=4, allowed=np.broadcast_to(band, (2, 6, 6)))
    np.testing.assert_allclose(_np(window(x, x)), expected, atol=1e-4)


def test_mha_attends_over_all_step_axes_of_rank4_inputs():
    x = _rand(2, 3, 4, 6)  # (batch, H, W, features): attention over the 12 positions
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    out, probs = layer(x, x, return_attention_scores=True)
    assert tuple(probs.shape) == (2, 2, 3, 4, 3, 4)
    flat = x.reshape(2, 12, 6)
    expected, _ = np_mha(flat, flat, flat, layer.get_weights(), key_dim=3)
    np.testing.assert_allclose(_np(out).reshape(2, 12, 6), expected, atol=1e-4)
    np.testing.assert_allclose(_np(layer(x, x)), _np(out), atol=1e-5)


def test_mha_attention_axes_and_argument_errors():
    x = _rand(2, 5, 8)
    layers.MultiHeadAttention(2, 4, attention_axes=1)(x, x)
    layers.MultiHeadAttention(2, 4, attention_axes=(-2,))(x, x)
    with pytest.raises(NotImplementedError, match="attention_axes"):
        layers.MultiHeadAttention(2, 4, attention_axes=(2,))(_rand(2, 3, 4, 8), _rand(2, 3, 4, 8))
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 4)
    with pytest.raises(ValueError, match="key_dim"):
        layers.MultiHeadAttention(2, 2.5)
    with pytest.raises(ValueError, match="value.*missing"):
        layers.MultiHeadAttention(2, 4)(x)
    with pytest.raises(ValueError, match="same shape except"):
        layers.MultiHeadAttention(2, 4)(x, _rand(2, 5, 8), _rand(2, 4, 8))


def test_mha_config_round_trip_and_tf_keras_build_shapes():
    x, y = _rand(2, 5, 8), _rand(2, 4, 6)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3, dropout=0.1, output_shape=7,
                                      kernel_initializer="he_normal", name="mha")
    out = layer(x, y)
    config = layer.get_config()
    assert config["output_shape"] == [7] and config["value_dim"] == 3 and config["attention_axes"] == [1]
    clone = layers.MultiHeadAttention.from_config(config)
    clone(x, y)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(clone(x, y)), _np(out), atol=1e-6)
    assert layer.get_build_config() == {"shapes_dict": {"query_shape": [None, 5, 8], "value_shape": [None, 4, 6]}}
    rebuilt = layers.MultiHeadAttention.from_config(config)
    rebuilt.build_from_config(layer.get_build_config())
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in layer.get_weights()]
    # tf.keras 2 kept the build shapes in the config itself.
    legacy = dict(config, query_shape=[None, 5, 8], value_shape=[None, 4, 6], key_shape=None)
    assert layers.MultiHeadAttention.from_config(legacy).built


def test_mha_in_functional_model_saves_in_keras3_layout(tmp_path):
    inputs = keras.Input((6,), dtype="int32")
    x = layers.Embedding(20, 8, mask_zero=True)(inputs)
    x, scores = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, return_attention_scores=True)
    assert x.shape == (None, 6, 8) and scores.shape == (None, 2, 6, 6)
    outputs = layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, [outputs, scores])
    data = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9]])
    before = model.predict(data, verbose=0)
    path = str(tmp_path / "mha.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    stored = weight_shapes(path)
    base = "layers/multi_head_attention"
    assert {k: v for k, v in stored.items() if k.startswith(base)} == {
        f"{base}/query_dense/vars/0": (8, 2, 4), f"{base}/query_dense/vars/1": (2, 4),
        f"{base}/key_dense/vars/0": (8, 2, 4), f"{base}/key_dense/vars/1": (2, 4),
        f"{base}/value_dense/vars/0": (8, 2, 4), f"{base}/value_dense/vars/1": (2, 4),
        f"{base}/output_dense/vars/0": (2, 4, 8), f"{base}/output_dense/vars/1": (8,)}
    mha_config = [c for c in config["config"]["layers"] if c["class_name"] == "MultiHeadAttention"][0]
    assert mha_config["build_config"] == {"shapes_dict": {"query_shape": [None, 6, 8],
                                                          "value_shape": [None, 6, 8]}}
    reloaded = keras.models.load_model(path)
    after = reloaded.predict(data, verbose=0)
    for a, b in zip(before, after):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_loads_a_file_real_keras_wrote_and_saves_the_same_layout(tmp_path):
    """`k3_attention.keras` was written by Keras 3 (tests/fixtures/make_attention_golden.py)."""
    golden = os.path.join(FIXTURES, "k3_attention.keras")
    with open(os.path.join(FIXTURES, "attention_io.json")) as f:
        io_pair = json.load(f)
    model = keras.models.load_model(golden)
    x = np.asarray(io_pair["x"], dtype=io_pair["x_dtype"])
    np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(io_pair["y"]), atol=1e-5)
    ours = str(tmp_path / "again.keras")
    model.save(ours)
    assert weight_shapes(ours, under="layers/") == weight_shapes(golden, under="layers/")


# -- Attention / AdditiveAttention ------------------------------------------------------------------
def np_luong(query, value, key, scale=1.0, concat_weight=None, allowed=None, query_mask=None):
    if concat_weight is None:
        scores = scale * np.einsum("bqd,bvd->bqv", query, key)
    else:
        scores = concat_weight * np.tanh(scale * (query[:, :, None] + key[:, None])).sum(-1)
    probs = np_masked_softmax(scores, allowed)
    out = probs @ value
    if query_mask is not None:
        out = out * query_mask[..., None]
    return out, probs


def np_bahdanau(query, value, key, scale, allowed=None):
    scores = (scale * np.tanh(query[:, :, None] + key[:, None])).sum(-1)
    probs = np_masked_softmax(scores, allowed)
    return probs @ value, probs


def test_attention_layer_harness():
    q, v = _rand(2, 3, 4), _rand(2, 5, 4, seed=1)
    run_layer_test(layers.Attention, {"use_scale": True, "score_mode": "concat"}, input_data=[q, v],
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=2, supports_masking=True)
    run_layer_test(layers.Attention, {}, input_data=[q, v, _rand(2, 5, 4, seed=2)],
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=0)
    run_layer_test(layers.AdditiveAttention, {}, input_data=[q, v], expected_output_shape=(2, 3, 4),
                   expected_num_trainable_weights=1, supports_masking=True)


@pytest.mark.parametrize("mode", ["dot", "concat"])
def test_attention_matches_numpy(mode):
    q, v, k = _rand(2, 3, 4), _rand(2, 5, 4, seed=1), _rand(2, 5, 4, seed=2)
    layer = layers.Attention(use_scale=True, score_mode=mode)
    layer([q, v, k])
    layer.set_weights([np.array(0.7, "float32")] + ([np.array(1.3, "float32")] if mode == "concat" else []))
    assert [w.name for w in layer.weights] == ["scale"] + (["concat_score_weight"] if mode == "concat" else [])
    concat = 1.3 if mode == "concat" else None
    out, probs = layer([q, v, k], return_attention_scores=True)
    expected, expected_probs = np_luong(q, v, k, scale=0.7, concat_weight=concat)
    np.testing.assert_allclose(_np(out), expected, atol=1e-5)
    np.testing.assert_allclose(_np(probs), expected_probs, atol=1e-6)

    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    causal = np.tril(np.ones((3, 5), bool))[None]
    allowed = value_mask[:, None, :] & causal
    out = layer([q, v, k], mask=[query_mask, value_mask], use_causal_mask=True)
    expected, _ = np_luong(q, v, k, scale=0.7, concat_weight=concat, allowed=allowed, query_mask=query_mask)
    np.testing.assert_allclose(_np(out), expected, atol=1e-5)
    np.testing.assert_array_equal(_np(out._keras_mask), query_mask)


def test_attention_unscaled_dot_and_masks_from_embedding():
    tokens = np.array([[2, 3, 0, 0], [4, 5, 6, 0]])
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    query = _rand(2, 3, 4)
    out = layers.Attention()([query, embedded])
    data = _np(embedded)
    expected, _ = np_luong(query, data, data, allowed=(tokens != 0)[:, None, :])
    np.testing.assert_allclose(_np(out), expected, atol=1e-5)


def test_additive_attention_matches_numpy():
    q, v = _rand(2, 3, 4), _rand(2, 5, 4, seed=1)
    layer = layers.AdditiveAttention()
    layer([q, v])
    scale = layer.get_weights()[0]
    assert scale.shape == (4,) and layer.weights[0].name == "scale"
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    out, probs = layer([q, v], mask=[None, value_mask], return_attention_scores=True)
    expected, expected_probs = np_bahdanau(q, v, v, scale, allowed=value_mask[:, None, :])
    np.testing.assert_allclose(_np(out), expected, atol=1e-5)
    np.testing.assert_allclose(_np(probs), expected_probs, atol=1e-6)
    unscaled = layers.AdditiveAttention(use_scale=False)
    assert not unscaled.get_config().get("score_mode") and unscaled([q, v]) is not None
    np.testing.assert_allclose(_np(unscaled([q, v])), np_bahdanau(q, v, v, 1.0)[0], atol=1e-5)


def test_attention_symbolic_scores_and_errors():
    q, v = keras.Input((3, 4)), keras.Input((5, 4))
    out, scores = layers.Attention()([q, v], return_attention_scores=True)
    assert out.shape == (None, 3, 4) and scores.shape == (None, 3, 5)
    assert layers.Attention()([q, v]).shape == (None, 3, 4)
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        layers.Attention()(_rand(2, 3, 4))
    with pytest.raises(ValueError, match="mask must be a list"):
        layers.Attention()([_rand(2, 3, 4), _rand(2, 3, 4)], mask=np.ones((2, 3), bool))


# -- EinsumDense ------------------------------------------------------------------------------------
@pytest.mark.parametrize("equation, output_shape, bias_axes, input_shape, kernel, bias, out", [
    ("ab,bc->ac", 6, "c", (2, 4), (4, 6), (6,), (2, 6)),
    ("abc,cd->abd", (None, 6), "d", (2, 3, 4), (4, 6), (6,), (2, 3, 6)),
    ("abc,cde->abde", (None, 2, 5), "de", (2, 3, 4), (4, 2, 5), (2, 5), (2, 3, 2, 5)),
    ("abcd,cde->abe", (None, 7), "e", (2, 3, 4, 5), (4, 5, 7), (7,), (2, 3, 7)),
    ("abc,cd->abd", (3, 6), "b", (2, 3, 4), (4, 6), (3, 1), (2, 3, 6)),
    ("...b,bc->...c", 6, "c", (2, 3, 5, 4), (4, 6), (6,), (2, 3, 5, 6)),
    ("ab...,bc->ac...", (6,), "c", (2, 4, 3), (4, 6), (6, 1), (2, 6, 3)),
])
def test_einsum_dense_shapes_and_numbers(equation, output_shape, bias_axes, input_shape, kernel, bias, out):
    x = _rand(*input_shape)
    layer, result = run_layer_test(
        layers.EinsumDense, {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes},
        input_data=x, expected_output_shape=out, expected_num_trainable_weights=2)
    assert [w.shape for w in layer.get_weights()] == [kernel, bias]
    rng = np.random.default_rng(5)
    weights = [rng.standard_normal(kernel).astype("float32"), rng.standard_normal(bias).astype("float32")]
    layer.set_weights(weights)
    np.testing.assert_allclose(_np(layer(x)), np.einsum(equation, x, weights[0]) + weights[1], atol=1e-4)


def test_einsum_dense_fans_and_errors():
    # Glorot over (in=64, out=4*8): the kernel's spread follows those fans, not a conv-style rule.
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes=None)
    layer(np.zeros((1, 2, 64), "float32"))
    kernel = layer.get_weights()[0]
    assert len(layer.get_weights()) == 1
    limit = np.sqrt(6.0 / (64 + 32))
    assert kernel.max() <= limit and kernel.max() > 0.9 * limit
    with pytest.raises(ValueError, match="invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="bias_axes"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="x")(_rand(2, 4))
    with pytest.raises(ValueError, match="lora_rank must be a positive"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=-2)


# -- A Transformer text classifier (Keras' "Text classification with Transformer") ----------------
def test_transformer_block_classifier_learns_and_summary_counts_mha_params():
    keras.utils.set_random_seed(0)
    vocab, maxlen, dim, heads, key_dim = 30, 10, 16, 2, 8
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, vocab, size=(256, maxlen))
    lengths = rng.integers(4, maxlen + 1, size=256)
    tokens[np.arange(maxlen)[None, :] >= lengths[:, None]] = 0  # padding, masked by the embedding
    labels = ((tokens >= vocab // 2).sum(1) > (tokens > 0).sum(1) / 2).astype("int32")

    inputs = keras.Input((maxlen,), dtype="int32")
    x = layers.Embedding(vocab, dim, mask_zero=True)(inputs)
    attended = layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim, name="mha")(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    feed = layers.Dense(dim)(layers.Dense(32, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, feed]))
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")

    lines = []
    model.summary(print_fn=lines.append)
    # query/key/value: (dim, heads, key_dim) kernels + (heads, key_dim) biases; output: (heads, key_dim,
    # dim) + (dim,).
    mha_params = 3 * (dim * heads * key_dim + heads * key_dim) + heads * key_dim * dim + dim
    assert mha_params == 1088
    row = [line for line in "\n".join(lines).splitlines() if line.startswith("mha ")]
    assert row and str(mha_params) in row[0].split(), row
    assert model.get_layer("mha").count_params() == mha_params

    history = model.fit(tokens, labels, batch_size=32, epochs=4, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] * 0.8, losses
