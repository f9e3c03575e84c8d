"""The rest of tf.nn (sampled losses, CTC decoders, argmax pooling, morphology, fractional pooling, atrous
convolutions, sparse embedding lookups, isotonic regression, small helpers) against real TensorFlow 2.21's
outputs recorded by tests/fixtures/make_tf_nn_rest_reference.py; random draws are TensorFlow's, fed back."""
import json
import pathlib

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf
from tkeras.compat.tf_namespace._nn_morphology import _fractional_pool_from_sequences

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"
REF = np.load(FIXTURES / "tf_nn_rest_reference.npz")
ERRORS = json.loads((FIXTURES / "tf_nn_rest_reference.json").read_text())["errors"]
IMAGE = REF["input/image"]


def check(key, result, atol=1e-5, rtol=1e-5):
    want = REF[key]
    got = np.asarray(result.numpy() if hasattr(result, "numpy") else result)
    assert got.shape == want.shape and got.dtype == want.dtype, (key, got.shape, want.shape, got.dtype, want.dtype)
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want, err_msg=key)
    else:
        np.testing.assert_allclose(got, want, atol=atol, rtol=rtol, err_msg=key)


def check_sparse(key, sp):
    assert isinstance(sp, tf.SparseTensor)
    for part in ("indices", "values", "dense_shape"):
        check(f"{key}/{part}", getattr(sp, part))


def draw(key):
    return tuple(REF[f"{key}/draw/{i}"] for i in range(3))


# ---- sampled losses ----
W, B, X = REF["input/weights"], REF["input/biases"], REF["input/inputs"]
CASES = [(n, u, s) for n in (1, 2) for u in (True, False) for s in ("uniform", "log_uniform")]


@pytest.mark.parametrize("num_true,unique,sampler", CASES)
def test_sampled_losses_match_tensorflow_given_its_draw(num_true, unique, sampler):
    labels = REF[f"input/labels{num_true}"]
    key = f"sampled/{num_true}/{unique}/{sampler}"
    sampled = draw(key)
    hits = tf.nn.compute_accidental_hits(labels, sampled[0], num_true)
    for i in range(3):
        check(f"{key}/hits/{i}", hits[i])
    for remove in (False, True):
        check(f"{key}/nce/{remove}", tf.nn.nce_loss(W, B, labels, X, 6, 12, num_true, sampled_values=sampled,
                                                    remove_accidental_hits=remove))
        check(f"{key}/ssl/{remove}", tf.nn.sampled_softmax_loss(W, B, labels, X, 6, 12, num_true,
                                                                sampled_values=sampled,
                                                                remove_accidental_hits=remove))


def test_sampled_losses_with_sharded_weights_and_duplicate_hits():
    sampled = draw("sampled/sharded")
    labels = REF["input/labels1"]
    check("sampled/sharded/nce", tf.nn.nce_loss([W[:4], W[4:8], W[8:]], B, labels, X, 6, 12, sampled_values=sampled))
    check("sampled/sharded/ssl", tf.nn.sampled_softmax_loss([W[:6], W[6:]], B, labels, X, 6, 12,
                                                            sampled_values=sampled))
    hits = tf.nn.compute_accidental_hits(REF["input/labels2"], np.array([3, 1, 3, 0, 9, 1], np.int64), 2)
    for i in range(3):
        check(f"sampled/dup_hits/{i}", hits[i])


def test_nn_candidate_samplers_shapes_and_all_sampler():
    labels = REF["input/labels2"]
    result = tf.nn.all_candidate_sampler(labels, 2, 12, True)
    for i in range(3):
        check(f"sampled/all/{i}", result[i])
    shapes = {"learned_unigram": tf.nn.learned_unigram_candidate_sampler(labels, 2, 4, True, 12),
              "fixed_unigram": tf.nn.fixed_unigram_candidate_sampler(labels, 2, 4, True, 12,
                                                                     unigrams=list(range(1, 13)))}
    for name, got in shapes.items():
        for i in range(3):
            prefix = f"sampled/shape/{name}/{i}/"
            want = [int(REF[k]) for k in sorted(k for k in REF.files if k.startswith(prefix))]
            assert want and list(got[i].shape) == want, (name, i, want)
    assert str(shapes["fixed_unigram"][0].dtype).endswith("int64")


def test_nce_loss_wrong_label_columns_is_tensorflows_error():
    kind, message = ERRORS["sampled/bad_labels"].split(": ", 1)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.nn.nce_loss(W, B, REF["input/labels2"], X, 6, 12, 1)
    assert type(info.value).__name__ == kind
    assert message.split("}} ")[1].split(" [Op")[0] in str(info.value)


def test_nce_loss_default_sampler_is_seeded_and_finite():
    labels = REF["input/labels1"]
    tf.random.set_seed(4)
    first = tf.nn.nce_loss(W, B, labels, X, 6, 12).numpy()
    tf.random.set_seed(4)
    again = tf.nn.nce_loss(W, B, labels, X, 6, 12).numpy()
    assert first.shape == (5,) and np.isfinite(first).all()
    np.testing.assert_array_equal(first, again)
    assert np.isfinite(tf.nn.sampled_softmax_loss(W, B, labels, X, 6, 12, seed=3).numpy()).all()


def test_word2vec_style_training_with_nce_loss_lowers_the_loss():
    import torch
    torch.manual_seed(0)
    vocab, dim = 30, 8
    rng = np.random.default_rng(0)
    centres = rng.integers(0, vocab, 64)
    contexts = ((centres + 1) % vocab).reshape(-1, 1).astype(np.int64)  # each word predicts its successor
    embeddings = tf.Variable(tf.random.uniform([vocab, dim], -1.0, 1.0))
    nce_w = tf.Variable(tf.random.truncated_normal([vocab, dim], stddev=0.3))
    nce_b = tf.Variable(tf.zeros([vocab]))
    optimizer = tf.keras.optimizers.SGD(0.5)
    losses = []
    for step in range(60):
        with tf.GradientTape() as tape:
            embedded = tf.nn.embedding_lookup(embeddings, centres)
            loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, contexts, embedded, num_sampled=8,
                                                 num_classes=vocab))
        grads = tape.gradient(loss, [embeddings, nce_w, nce_b])
        assert all(g is not None for g in grads)
        optimizer.apply_gradients(zip(grads, [embeddings, nce_w, nce_b]))
        losses.append(float(loss))
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10]), losses


# ---- CTC ----
LOGITS, SEQ = REF["input/ctc_logits"], REF["input/ctc_seq_len"]


@pytest.mark.parametrize("merge", [True, False])
@pytest.mark.parametrize("blank", [None, 0, 2, -1])
def test_ctc_greedy_decoder(merge, blank):
    decoded, scores = tf.nn.ctc_greedy_decoder(LOGITS, SEQ, merge, blank)
    assert len(decoded) == 1
    check_sparse(f"ctc/greedy/{merge}/{blank}/0/0", decoded[0])
    check(f"ctc/greedy/{merge}/{blank}/1", scores)


@pytest.mark.parametrize("case", range(4))
def test_ctc_beam_search_decoder_paths_and_scores(case):
    logits, lengths = REF[f"input/beam/{case}/logits"], REF[f"input/beam/{case}/lengths"]
    for width, top in [(1, 1), (2, 2), (3, 1), (4, 3), (10, 3)]:
        decoded, log_probs = tf.nn.ctc_beam_search_decoder(logits, lengths, width, top)
        assert len(decoded) == top
        for i, sp in enumerate(decoded):
            check_sparse(f"ctc/beam/{case}/{width}/{top}/0/{i}", sp)
        check(f"ctc/beam/{case}/{width}/{top}/1", log_probs)


def test_ctc_beam_search_more_paths_than_beam_is_an_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="requested more paths than the beam width"):
        tf.nn.ctc_beam_search_decoder(LOGITS, SEQ, 2, 3)
    assert "requested more paths than the beam width" in ERRORS["ctc/beam/too_many_paths"]


def test_ctc_loss_sparse_labels_and_label_helpers():
    labels = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1]], np.array([1, 2, 3, 1, 1], np.int32), [3, 2])
    check("ctc/loss/sparse", tf.nn.ctc_loss(labels, LOGITS, None, SEQ, blank_index=0), atol=1e-4)
    check("ctc/loss/sparse_last_blank", tf.nn.ctc_loss(labels, LOGITS, None, SEQ, blank_index=-1), atol=1e-4)
    with pytest.raises(ValueError, match="blank_index must be given"):
        tf.nn.ctc_loss(labels, LOGITS, None, SEQ)
    collapsed = tf.nn.collapse_repeated(np.array([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]], np.int32),
                                        np.array([5, 3], np.int32))
    check("ctc/collapse/0", collapsed[0])
    check("ctc/collapse/1", collapsed[1])
    unique = tf.nn.ctc_unique_labels(np.array([[3, 4, 4, 3], [1, 1, 1, 2]], np.int32))
    check("ctc/unique/0", unique[0])
    check("ctc/unique/1", unique[1])


# ---- pooling and morphology ----
@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("ksize,strides,tag", [(2, 2, "2"), (3, 2, "3"), ([1, 3, 2, 1], [1, 1, 2, 1], "3x2")])
@pytest.mark.parametrize("with_batch", [False, True])
def test_max_pool_with_argmax(padding, ksize, strides, tag, with_batch):
    values, argmax = tf.nn.max_pool_with_argmax(IMAGE, ksize, strides, padding, include_batch_in_index=with_batch)
    check(f"argmax/{padding}/{tag}/{with_batch}/0", values)
    check(f"argmax/{padding}/{tag}/{with_batch}/1", argmax)
    flat = IMAGE.reshape(-1) if with_batch else IMAGE.reshape(IMAGE.shape[0], -1)
    picked = flat[argmax.numpy()] if with_batch else np.stack([flat[b][argmax.numpy()[b]] for b in range(2)])
    np.testing.assert_array_equal(picked, values.numpy())


def test_max_pool_with_argmax_int32_and_gradient():
    check("argmax/int32/1", tf.nn.max_pool_with_argmax(IMAGE, 2, 2, "VALID", output_dtype=tf.int32)[1])
    x = tf.Variable(IMAGE)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.nn.max_pool_with_argmax(x, 2, 2, "VALID")[0])
    assert float(tf.reduce_sum(tape.gradient(total, x))) == 2 * 2 * 3 * 3


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("strides,rates", [([1, 1, 1, 1], [1, 1, 1, 1]), ([1, 2, 1, 1], [1, 1, 1, 1]),
                                           ([1, 1, 1, 1], [1, 2, 2, 1])])
def test_dilation_and_erosion(padding, strides, rates):
    f = REF["input/morph_filter"]
    tag = f"{padding}/{strides[1]}{strides[2]}/{rates[1]}{rates[2]}"
    check(f"dilation/{tag}", tf.nn.dilation2d(IMAGE, f, strides, padding, "NHWC", rates))
    check(f"erosion/{tag}", tf.nn.erosion2d(IMAGE, f, strides, padding, "NHWC", rates))


FRACTIONAL = [(k, p, o, r) for k in ("max", "avg") for p in (False, True) for o in (False, True)
              for r in (("1.73", [1.0, 1.44, 1.73, 1.0]), ("1.5", 1.5)) if k == "max" or r[0] == "1.73"]


@pytest.mark.parametrize("kind,pseudo,overlapping,ratio", FRACTIONAL)
def test_fractional_pooling(kind, pseudo, overlapping, ratio):
    big = REF["input/big"]
    key = f"frac/{kind}/{pseudo}/{overlapping}/{ratio[0]}"
    fn = getattr(tf.nn, f"fractional_{kind}_pool")
    out, rows, cols = fn(big, ratio[1], pseudo, overlapping, seed=3)
    for got, i in ((out, 0), (rows, 1), (cols, 2)):
        want = REF[f"{key}/{i}"]
        assert got.shape == want.shape and got.numpy().dtype == want.dtype
    for seq in (rows.numpy(), cols.numpy()):  # TensorFlow's invariants: from 0 to the size, steps of k or k + 1
        steps = np.diff(seq)
        assert seq[0] == 0 and steps.max() - steps.min() <= 1
    assert rows.numpy()[-1] == 10 and cols.numpy()[-1] == 9
    again = fn(big, ratio[1], pseudo, overlapping, seed=3)
    np.testing.assert_array_equal(again[1].numpy(), rows.numpy())
    np.testing.assert_array_equal(again[2].numpy(), cols.numpy())
    np.testing.assert_array_equal(again[0].numpy(), out.numpy())
    # given TensorFlow's own sequences, the pooled values are TensorFlow's
    same = _fractional_pool_from_sequences(big, REF[f"{key}/1"], REF[f"{key}/2"], overlapping, kind)
    check(f"{key}/0", same)


def test_fractional_pooling_errors():
    big = REF["input/big"]
    kind, message = ERRORS["frac/bad_ratio"].split(": ", 1)
    with pytest.raises(ValueError) as info:
        tf.nn.fractional_max_pool(big, [2.0, 1.5, 1.5, 1.0])
    assert type(info.value).__name__ == kind and str(info.value) == message
    kind, message = ERRORS["frac/avg_scalar_ratio"].split(": ", 1)
    with pytest.raises(TypeError) as info:
        tf.nn.fractional_avg_pool(big, 1.5)
    assert type(info.value).__name__ == kind and str(info.value) == message


# ---- convolutions ----
def test_atrous_convolutions():
    f = REF["input/atrous_filter"]
    for rate in (1, 2):
        for padding in ("SAME", "VALID"):
            check(f"atrous/{rate}/{padding}", tf.nn.atrous_conv2d(IMAGE, f, rate, padding), atol=1e-4)
    small = REF["input/small"]
    check("atrous_t/2/SAME", tf.nn.atrous_conv2d_transpose(small, f, [2, 4, 5, 3], 2, "SAME"), atol=1e-4)
    check("atrous_t/2/VALID", tf.nn.atrous_conv2d_transpose(small, f, [2, 8, 9, 3], 2, "VALID"), atol=1e-4)


# ---- sparse embeddings ----
TABLE = REF["input/table"]
IDX = [[0, 0], [0, 1], [0, 2], [2, 0], [3, 0], [3, 1]]


@pytest.mark.parametrize("combiner", ["mean", "sum", "sqrtn"])
def test_embedding_lookup_sparse(combiner):
    ids = tf.SparseTensor(IDX, np.array([1, 3, 1, 0, 5, 2], np.int64), [5, 3])
    weights = tf.SparseTensor(IDX, np.array([0.5, 2.0, 1.0, 3.0, 1.5, 0.25], np.float32), [5, 3])
    check(f"embed/{combiner}/none", tf.nn.embedding_lookup_sparse(TABLE, ids, None, combiner))
    check(f"embed/{combiner}/weights", tf.nn.embedding_lookup_sparse(TABLE, ids, weights, combiner))
    check(f"embed/{combiner}/max_norm", tf.nn.embedding_lookup_sparse(TABLE, ids, weights, combiner, max_norm=1.0))


@pytest.mark.parametrize("combiner", ["mean", "sum", "sqrtn"])
def test_safe_embedding_lookup_sparse(combiner):
    ids = tf.SparseTensor(IDX, np.array([1, -1, 1, 0, 5, 2], np.int64), [5, 3])
    weights = tf.SparseTensor(IDX, np.array([0.5, 2.0, 0.0, 3.0, -1.5, 0.25], np.float32), [5, 3])
    check(f"safe/{combiner}/none", tf.nn.safe_embedding_lookup_sparse(TABLE, ids, None, combiner))
    check(f"safe/{combiner}/weights", tf.nn.safe_embedding_lookup_sparse(TABLE, ids, weights, combiner))
    check(f"safe/{combiner}/default", tf.nn.safe_embedding_lookup_sparse(TABLE, ids, weights, combiner,
                                                                         default_id=4))


def test_embedding_lookup_sparse_bad_combiner():
    ids = tf.SparseTensor(IDX, np.array([1, 3, 1, 0, 5, 2], np.int64), [5, 3])
    kind, message = ERRORS["embed/bad_combiner"].split(": ", 1)
    with pytest.raises(ValueError) as info:
        tf.nn.embedding_lookup_sparse(TABLE, ids, None, "max")
    assert type(info.value).__name__ == kind and str(info.value) == message


# ---- isotonic regression and helpers ----
@pytest.mark.parametrize("decreasing", [True, False])
def test_isotonic_regression(decreasing):
    iso = REF["input/iso"]
    fit, segments = tf.nn.isotonic_regression(iso, decreasing)
    check(f"iso/{decreasing}/0", fit)
    check(f"iso/{decreasing}/1", segments)
    fit, segments = tf.nn.isotonic_regression(iso, decreasing, axis=0)
    check(f"iso/{decreasing}/axis0/0", fit)
    check(f"iso/{decreasing}/axis0/1", segments)


def test_batch_norm_global_and_space_to_batch():
    x = REF["input/bn_x"]
    for scale_after in (True, False):
        check(f"bn_global/{scale_after}", tf.nn.batch_norm_with_global_normalization(
            x, np.full(4, 0.3, np.float32), np.full(4, 2.0, np.float32), np.arange(4, dtype=np.float32),
            np.full(4, 1.5, np.float32), 1e-3, scale_after))
    check("space_to_batch", tf.nn.space_to_batch(IMAGE[:, :4], [2, 3], [[0, 0], [0, 0]]))
    check("space_to_batch_pad", tf.nn.space_to_batch(IMAGE, [2, 2], [[0, 1], [1, 1]]))


def test_depthwise_backprops_are_the_convolutions_gradients():
    x = tf.Variable(IMAGE)
    f = tf.Variable(REF["input/atrous_filter"][..., :2])
    with tf.GradientTape() as tape:
        out = tf.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME")
    upstream = np.linspace(-1, 1, int(np.prod(out.shape)), dtype=np.float32).reshape(tuple(out.shape))
    gx, gf = tape.gradient(out, [x, f], output_gradients=upstream)
    np.testing.assert_allclose(tf.nn.depthwise_conv2d_backprop_input(IMAGE.shape, f, upstream, [1, 1, 1, 1],
                                                                     "SAME").numpy(), gx.numpy(), atol=1e-5)
    np.testing.assert_allclose(tf.nn.depthwise_conv2d_backprop_filter(IMAGE, f.shape, upstream, [1, 1, 1, 1],
                                                                      "SAME").numpy(), gf.numpy(), atol=1e-4)


def test_rnn_cell_wrappers_run_inside_keras_rnn():
    keras = tf.keras
    x = np.random.default_rng(1).random((2, 3, 4)).astype(np.float32)
    residual = keras.layers.RNN(tf.nn.RNNCellResidualWrapper(keras.layers.SimpleRNNCell(4)), return_sequences=True)
    plain_cell = keras.layers.SimpleRNNCell(4)
    out = residual(x).numpy()
    inner = keras.layers.RNN(residual.cell.cell, return_sequences=True)(x).numpy()
    np.testing.assert_allclose(out, inner + x, atol=1e-6)  # the wrapper adds each step's input
    dropped = tf.nn.RNNCellDropoutWrapper(keras.layers.GRUCell(5), output_keep_prob=0.5, seed=1)
    kept = keras.layers.RNN(dropped)(x, training=True).numpy()
    assert kept.shape == (2, 5) and (kept == 0).any()
    model = keras.Sequential([keras.Input((3, 4)), keras.layers.RNN(tf.nn.RNNCellDeviceWrapper(
        keras.layers.LSTMCell(3), "/cpu:0")), keras.layers.Dense(1)])
    assert len(model.trainable_weights) == 5 and plain_cell.state_size == 4
    with pytest.raises(NotImplementedError, match="variational_recurrent"):
        tf.nn.RNNCellDropoutWrapper(keras.layers.GRUCell(5), variational_recurrent=True)
    with pytest.raises(ValueError, match="input_keep_prob"):
        tf.nn.RNNCellDropoutWrapper(keras.layers.GRUCell(5), input_keep_prob=0.0)
