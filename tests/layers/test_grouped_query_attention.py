"""GroupQueryAttention against real Keras 3.15.1 (fixture), the fused path against the explicit one,
configs under both class names, errors, and training."""
import numpy as np
import pytest
import torch

import tkeras as keras
from tests.layers.reference_13b import assert_matches_keras, numpy, reference, weights
from tkeras import layers

CASES = {
    "gqa_plain": dict(head_dim=4, num_query_heads=4, num_key_value_heads=2),
    "gqa_mqa_nobias": dict(head_dim=3, num_query_heads=4, num_key_value_heads=1, use_bias=False),
    "gqa_gate_window": dict(head_dim=4, num_query_heads=2, num_key_value_heads=2, use_gate=True,
                            sliding_window=2),
}


def _inputs():
    data = reference()
    return data["gqa/q"], data["gqa/v"], data["gqa/k"], data["gqa/mask"]


def _keras_layer(case):
    q, v, k, _ = _inputs()
    layer = layers.GroupQueryAttention(**CASES[case])
    layer(q, v, k)
    layer.set_weights(weights(case))
    return layer


@pytest.mark.parametrize("case", sorted(CASES))
def test_outputs_match_keras_with_and_without_masks(case):
    q, v, k, mask = _inputs()
    layer = _keras_layer(case)
    assert_matches_keras(layer(q, v, k), f"{case}/y")
    assert_matches_keras(layer(q, v, k, attention_mask=mask), f"{case}/y_mask")
    assert_matches_keras(layer(q, q, use_causal_mask=True), f"{case}/y_causal")
    assert_matches_keras(layer(q, v, k, attention_mask=mask, use_causal_mask=True), f"{case}/y_causal_mask")


@pytest.mark.parametrize("case", sorted(CASES))
def test_attention_scores_match_keras(case):
    q, v, k, mask = _inputs()
    layer = _keras_layer(case)
    output, scores = layer(q, v, k, attention_mask=mask, return_attention_scores=True)
    assert_matches_keras(output, f"{case}/y_mask_scores")
    assert_matches_keras(scores, f"{case}/scores_mask")
    output, scores = layer(q, q, use_causal_mask=True, return_attention_scores=True)
    assert_matches_keras(output, f"{case}/y_causal_scores")
    assert_matches_keras(scores, f"{case}/scores_causal")
    assert tuple(scores.shape) == (2, CASES[case]["num_query_heads"], 5, 5)


def test_weights_are_keras_einsum_dense_layout_in_keras_order():
    layer = layers.GroupQueryAttention(head_dim=4, num_query_heads=6, num_key_value_heads=3, use_gate=True)
    layer(np.zeros((2, 5, 8), "float32"), np.zeros((2, 7, 10), "float32"))
    assert [tuple(w.shape) for w in layer.weights] == [
        (8, 6, 4), (6, 4),     # query
        (10, 3, 4), (3, 4),    # key
        (8, 6, 4), (6, 4),     # gate
        (10, 3, 4), (3, 4),    # value
        (6, 4, 8), (8,)]       # attention_output
    # Keras' sublayers, in its order: the Dropout (held for its seed state) between value and output.
    assert [name for name, _ in layer.named_children()] == [
        "_query_dense", "_key_dense", "_gate_dense", "_value_dense", "_dropout_layer", "_output_dense"]


def test_key_value_heads_are_shared_by_consecutive_query_heads():
    """Query heads 0,1 use kv head 0 and heads 2,3 kv head 1 (Keras' ops.repeat): closed form in NumPy."""
    rng = np.random.default_rng(3)
    q, v = rng.standard_normal((1, 3, 4)).astype("float32"), rng.standard_normal((1, 5, 4)).astype("float32")
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, use_bias=False)
    layer(q, v)
    wq, wk, wv, wo = [rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights([wq, wk, wv, wo])
    query, key, value = (np.einsum("bqm,muh->bquh", q, wq), np.einsum("bkm,mvh->bkvh", v, wk),
                         np.einsum("bkm,mvh->bkvh", v, wv))
    heads = []
    for h in range(4):
        logits = query[0, :, h] @ key[0, :, h // 2].T / np.sqrt(2.0)
        probs = np.exp(logits - logits.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        heads.append(probs @ value[0, :, h // 2])
    expected = np.einsum("quh,uhm->qm", np.stack(heads, axis=1), wo)
    np.testing.assert_allclose(numpy(layer(q, v))[0], expected, atol=1e-5)


def test_fused_and_explicit_paths_agree_on_padding_masks():
    rng = np.random.default_rng(4)
    ids = np.array([[3, 4, 5, 0, 0], [1, 2, 0, 0, 0]])
    inputs = keras.Input((5,), dtype="int32")
    embedded = layers.Embedding(8, 6, mask_zero=True)(inputs)
    attention = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    fused = keras.Model(inputs, attention(embedded, embedded))
    fused.layers[1].set_weights([rng.standard_normal((8, 6)).astype("float32")])
    out = fused.predict(ids, verbose=0)
    embedding = fused.layers[1](ids)
    out_explicit, scores = attention(embedding, embedding, return_attention_scores=True)
    np.testing.assert_allclose(numpy(out_explicit), out, atol=1e-5)
    assert float(numpy(scores)[0, :, :3, 3:].max()) < 1e-6  # padded keys get no attention


def test_config_has_keras_keys_and_both_class_names_load():
    layer = layers.GroupQueryAttention(head_dim=4, num_query_heads=2, num_key_value_heads=1, name="gqa")
    config = layer.get_config()
    assert list(config) == ["name", "trainable", "dtype", "head_dim", "num_query_heads", "num_key_value_heads",
                            "use_bias", "use_gate", "sliding_window", "dropout", "kernel_initializer",
                            "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                            "kernel_constraint", "bias_constraint", "seed"]
    serialized = layers.serialize(layer)
    assert serialized["class_name"] == "GroupQueryAttention" and serialized["module"] == "keras.layers"
    keras30 = dict(serialized, class_name="GroupedQueryAttention",
                   module="keras.src.layers.attention.grouped_query_attention")
    for entry in (serialized, keras30):
        clone = keras.saving.deserialize_keras_object(entry)
        assert isinstance(clone, layers.GroupQueryAttention) and clone.get_config() == config
    assert layers.GroupedQueryAttention is layers.GroupQueryAttention


def test_bad_arguments_name_the_layer_and_argument():
    with pytest.raises(ValueError, match=r"num_query_heads \(6\) must be a multiple of num_key_value_heads \(4\)"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=6, num_key_value_heads=4)
    with pytest.raises(ValueError, match="head_dim must be a positive integer, received head_dim=0"):
        layers.GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="flash_attention=True does not support dropout"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, dropout=0.1,
                                   flash_attention=True)
    flash = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, flash_attention=True)
    x = np.zeros((1, 3, 4), "float32")
    with pytest.raises(ValueError, match="return_attention_scores=True needs the explicit softmax"):
        flash(x, x, return_attention_scores=True)
    with pytest.raises(ValueError, match="'gqa'.*`value` is missing"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, name="gqa")(x)


def test_trains_in_a_functional_model_and_dropout_only_in_training():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((32, 6, 8)).astype("float32")
    y = x[:, :, :1] * 2.0
    inputs = keras.Input((6, 8))
    attended = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, dropout=0.2,
                                          seed=1)(inputs, inputs, use_causal_mask=True)
    model = keras.Model(inputs, layers.Dense(1)(attended))
    model.compile("adam", "mse")
    before = model.get_weights()
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(not np.allclose(a, b) for a, b in zip(before[:8], model.get_weights()[:8]))
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x, verbose=0))
    gqa = model.layers[1]
    with torch.no_grad():
        a, b = gqa(x[:2], x[:2], training=True), gqa(x[:2], x[:2], training=True)
    assert not np.allclose(numpy(a), numpy(b))
