"""LoRA on EinsumDense, Embedding and ReversibleEmbedding, and the order of `weights` under LoRA and
per-variable `trainable` changes.

Numbers and orders come from real Keras 3.15.1 and tf-keras 2.21
(tests/fixtures/make_lora_breadth_reference.py wrote lora_breadth_reference.json).
"""
import json
import os

import h5py
import numpy as np
import pytest
import torch

import tkeras as keras

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "lora_breadth_reference.json")) as _f:
    REF = json.load(_f)
LORA, ORDERS = REF["lora"], REF["orders"]


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _set(variable, value):
    with torch.no_grad():
        variable.assign(np.asarray(value, dtype="float32"))


def _names(ws):
    return [w.path for w in ws]


def _orders(layer):
    return {"weights": _names(layer.weights), "trainable": _names(layer.trainable_weights),
            "non_trainable": _names(layer.non_trainable_weights),
            "get_weights_shapes": [list(a.shape) for a in layer.get_weights()]}


# -- weight order ------------------------------------------------------------------------------------
class NonTrainableFirst(keras.layers.Layer):
    def build(self, shape):
        self.count = self.add_weight(shape=(2,), name="count", trainable=False, initializer="zeros")
        self.scale = self.add_weight(shape=(2,), name="scale", initializer="ones")

    def call(self, x):
        return x * self.scale


def _nested():
    inp = keras.Input((4,))
    h = keras.layers.BatchNormalization(name="bn1")(inp)
    h = keras.layers.Dense(3, name="inner_dense")(h)
    h = keras.layers.BatchNormalization(name="bn2")(h)
    inner = keras.Model(inp, h, name="inner")
    inp2 = keras.Input((4,))
    o = keras.layers.Dense(4, name="pre")(inp2)
    o = keras.layers.Dense(2, name="post")(inner(o))
    return keras.Model(inp2, o, name="outer"), inner


def _order_case(case, freeze_pre=True):
    if case == "dense_lora":
        layer = keras.layers.Dense(3, name="dense_lora")
        layer.build((None, 4))
        layer.enable_lora(2)
    elif case == "dense_kernel_frozen":
        layer = keras.layers.Dense(3, name="dense_kfrozen")
        layer.build((None, 4))
        layer.kernel.trainable = False
    elif case == "batch_norm":
        layer = keras.layers.BatchNormalization(name="bn")
        layer.build((None, 4))
    elif case == "layer_frozen":
        layer = keras.layers.Dense(3, name="dense_frozen")
        layer.build((None, 4))
        layer.trainable = False
    elif case == "non_trainable_first":
        layer = NonTrainableFirst(name="nt_first")
        layer.build((None, 2))
    else:
        model, inner = _nested()
        if freeze_pre:  # the reference script froze `pre`'s kernel before recording the nested cases
            model.get_layer("pre").kernel.trainable = False
        if case == "nested_inner":
            return _orders(inner)
        elif case == "nested_inner_frozen":
            inner.trainable = False
        return _orders(model)
    return _orders(layer)


@pytest.mark.parametrize("case", ["dense_lora", "dense_kernel_frozen", "batch_norm", "layer_frozen",
                                  "non_trainable_first", "nested", "nested_kernel_frozen", "nested_inner",
                                  "nested_inner_frozen"])
def test_weight_orders_match_keras3(case):
    assert _order_case(case) == ORDERS["keras3"][case]


@pytest.mark.parametrize("case", ["batch_norm", "layer_frozen", "non_trainable_first", "nested", "nested_inner",
                                  "nested_inner_frozen"])
def test_weight_orders_agree_with_tf_keras_where_it_can_express_them(case):
    # tf-keras 2 has no LoRA and cannot set a variable's `trainable`; elsewhere it agrees with Keras 3
    mine = _order_case(case, freeze_pre=False)
    for key in ("weights", "trainable", "non_trainable"):
        # tf-keras names a lone layer's weights without the layer ("gamma:0"), a model's with it
        theirs = [name.split(":")[0] for name in ORDERS["tf_keras"][case][key]]
        assert [name if "/" in theirs[0] else name.split("/")[-1] for name in mine[key]] == theirs
    assert ORDERS["tf_keras"]["dense_kernel_frozen"] == "variable.trainable cannot be set"


def test_set_weights_follows_creation_order_under_lora_and_frozen_kernels():
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.kernel.trainable = False
    kernel, bias = np.arange(12, dtype="float32").reshape(4, 3), np.array([1, 2, 3], "float32")
    layer.set_weights([kernel, bias])
    np.testing.assert_array_equal(_np(layer.kernel), kernel)
    np.testing.assert_array_equal(layer.get_weights()[1], bias)
    lora = keras.layers.Dense(3)
    lora.build((None, 4))
    lora.enable_lora(2)
    a, b = np.ones((4, 2), "float32"), np.full((2, 3), 0.5, "float32")
    lora.set_weights([kernel, bias, a, b])
    np.testing.assert_array_equal(_np(lora._kernel), kernel)
    np.testing.assert_array_equal(_np(lora.lora_kernel_a), a)
    np.testing.assert_allclose(_np(lora.kernel), kernel + a @ b * (lora.lora_alpha / lora.lora_rank))
    assert [w.shape for w in lora.get_weights()] == [(4, 3), (3,), (4, 2), (2, 3)]


def test_frozen_kernel_file_keeps_keras_keys(tmp_path):
    layer = keras.layers.Dense(3, name="dense")
    model = keras.Sequential([keras.Input((4,)), layer])
    layer.kernel.trainable = False
    model.save_weights(tmp_path / "w.weights.h5")
    found = {}
    with h5py.File(tmp_path / "w.weights.h5") as f:
        f.visititems(lambda n, o: found.__setitem__(n, list(o.shape)) if isinstance(o, h5py.Dataset) else None)
    assert found == LORA["files"]["dense_kernel_frozen"]


def test_legacy_h5_lists_trainable_weights_first_as_keras_does(tmp_path):
    model, _ = _nested()
    for variable in model.weights:
        _set(variable, np.random.rand(*variable.shape))
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["inner"].attrs["weight_names"]]
        assert [list(f["inner"][n].shape) for n in names] == ORDERS["tf_keras"]["legacy_h5_inner_shapes"]
        assert [n.split("/")[-1] for n in names] == ORDERS["tf_keras"]["legacy_h5_inner_names"]
    assert ORDERS["keras3"]["legacy_h5_inner_shapes"] == ORDERS["tf_keras"]["legacy_h5_inner_shapes"]
    again, _ = _nested()
    again.load_weights(tmp_path / "w.h5")
    for mine, theirs in zip(model.weights, again.weights):
        np.testing.assert_array_equal(_np(mine), _np(theirs))
    # a file from earlier tkeras listed the nested model sublayer by sublayer: taken by name
    with h5py.File(tmp_path / "w.h5", "r+") as f:
        old = sorted(names, key=lambda n: ([p for p in ("bn1", "inner_dense", "bn2") if f"/{p}/" in n][0] != "bn1",
                                           "bn2" in n, names.index(n)))
        assert old != names
        f["inner"].attrs["weight_names"] = np.array([n.encode() for n in old])
    third, _ = _nested()
    third.load_weights(tmp_path / "w.h5")
    for mine, theirs in zip(model.weights, third.weights):
        np.testing.assert_array_equal(_np(mine), _np(theirs))


# -- LoRA on EinsumDense ----------------------------------------------------------------------------
def test_einsum_dense_lora_matches_keras():
    ref = LORA["einsum"]
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", name="proj")
    x = np.asarray(ref["x"], "float32")
    layer.build(x.shape)
    layer.enable_lora(2, lora_alpha=3)
    for variable, key in ((layer._kernel, "kernel"), (layer.bias, "bias"), (layer.lora_kernel_a, "a"),
                          (layer.lora_kernel_b, "b")):
        _set(variable, ref[key])
    assert [[w.path, list(w.shape)] for w in layer.weights] == ref["weights"]
    assert _names(layer.trainable_weights) == ref["trainable"]
    np.testing.assert_allclose(_np(layer.kernel), ref["merged_kernel"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(layer(x)), ref["output"], rtol=1e-5, atol=1e-5)
    assert [layer.get_config()["lora_rank"], layer.get_config()["lora_alpha"]] == ref["config_lora"]


def test_einsum_dense_lora_rank_at_construction():
    ref = LORA["einsum_constructor"]
    layer = keras.layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=2, lora_alpha=8)
    layer.build((None, 4))
    assert layer.lora_enabled and layer.lora_alpha == ref["lora_alpha"]
    assert [[w.name, list(w.shape)] for w in layer.weights] == ref["weights"]
    clone = keras.layers.EinsumDense.from_config(layer.get_config())
    clone.build((None, 4))
    assert clone.lora_enabled and (clone.lora_rank, clone.lora_alpha) == (2, 8)


# -- LoRA on Embedding / ReversibleEmbedding ---------------------------------------------------------------
def _lora_embedding(cls=None, **kwargs):
    ref = LORA["embedding"]
    layer = (cls or keras.layers.Embedding)(7, 4, **kwargs)
    layer.build((None, 3))
    layer.enable_lora(2, lora_alpha=3 if cls is None else 4)
    for variable, key in ((layer._embeddings, "embeddings"), (layer.lora_embeddings_a, "a"),
                          (layer.lora_embeddings_b, "b")):
        _set(variable, ref[key])
    return layer


def test_embedding_lora_matches_keras():
    ref = LORA["embedding"]
    layer = _lora_embedding(name="emb")
    assert [[w.path, list(w.shape)] for w in layer.weights] == ref["weights"]
    assert _names(layer.trainable_weights) == ref["trainable"]
    np.testing.assert_allclose(_np(layer.embeddings), ref["merged"], rtol=1e-6, atol=1e-6)
    ids = np.asarray(ref["ids"])
    np.testing.assert_allclose(_np(layer(ids)), ref["output"], rtol=1e-6, atol=1e-6)
    assert [layer.get_config()["lora_rank"], layer.get_config()["lora_alpha"]] == ref["config_lora"]
    with pytest.raises(ValueError, match="'emb'.*ids must be in"):
        layer(np.array([[7]]))


def test_embedding_lora_gradients_reach_only_a_and_b():
    layer = _lora_embedding()
    ids = torch.tensor([[0, 3, 6], [5, 5, 1]])
    layer(ids).sum().backward()
    assert layer._embeddings.grad is None
    a_grad, b_grad = layer.lora_embeddings_a.grad.clone(), layer.lora_embeddings_b.grad.clone()
    # the same gradients as a lookup in the merged table
    a = layer.lora_embeddings_a.detach().clone().requires_grad_(True)
    b = layer.lora_embeddings_b.detach().clone().requires_grad_(True)
    merged = layer._embeddings.detach() + a @ b * (3 / 2)
    merged[ids].sum().backward()
    np.testing.assert_allclose(_np(a_grad), _np(a.grad), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(_np(b_grad), _np(b.grad), rtol=1e-6, atol=1e-6)


def test_reversible_embedding_lora_matches_keras():
    ref = LORA["reversible_tied"]
    layer = _lora_embedding(keras.layers.ReversibleEmbedding, name="rev")
    assert _names(layer.weights) == ref["weights"]
    np.testing.assert_allclose(_np(layer(np.asarray(LORA["embedding"]["ids"]))), ref["output"], rtol=1e-6, atol=1e-6)
    logits = layer(np.asarray(ref["hidden"], "float32"), reverse=True)
    np.testing.assert_allclose(_np(logits), ref["logits"], rtol=1e-5, atol=1e-5)
    late = keras.layers.ReversibleEmbedding(7, 4, tie_weights=False, name="late")
    late.build((None, 3))
    late.enable_lora(2)
    assert _names(late.weights) == LORA["reversible_untied"]["late_weights"]
    # Keras 3.15.1 cannot build this one (its tracker is locked by then); tkeras builds it in creation order
    assert LORA["reversible_untied"]["constructor_weights"].startswith("build raises")
    untied = keras.layers.ReversibleEmbedding(7, 4, tie_weights=False, lora_rank=2, name="untied")
    untied.build((None, 3))
    assert [w.name for w in untied.weights] == ["embeddings", "lora_embeddings_a", "lora_embeddings_b",
                                                "reverse_embeddings"]


def test_lora_rank_at_construction_keeps_lora_alpha():
    # Keras 3.15.1's Embedding and Dense drop the constructor's lora_alpha when build applies lora_rank
    # (EinsumDense keeps it); tkeras keeps it for all three.
    assert LORA["constructor_alpha"] == {"embedding": 2, "dense": 2, "einsum": 8}
    layer = keras.layers.Embedding(7, 4, lora_rank=2, lora_alpha=8)
    layer.build((None, 3))
    assert layer.lora_enabled and layer.lora_alpha == 8
    assert tuple(layer.lora_embeddings_a.shape) == (7, 2) and tuple(layer.lora_embeddings_b.shape) == (2, 4)
    np.testing.assert_array_equal(_np(layer.lora_embeddings_b), 0)


def test_enable_lora_refuses_an_embeddings_constraint():
    layer = keras.layers.Embedding(7, 4, embeddings_constraint="non_neg", name="c")
    layer.build((None, 3))
    with pytest.raises(ValueError, match="'c'.*embeddings_constraint"):
        layer.enable_lora(2)


# -- files and training ----------------------------------------------------------------------------------
def _lora_model():
    inp = keras.Input((3,), dtype="int32")
    h = keras.layers.Embedding(7, 4, name="emb")(inp)
    h = keras.layers.EinsumDense("abc,cd->abd", output_shape=(3, 5), bias_axes="d", name="proj")(h)
    h = keras.layers.ReversibleEmbedding(5, 2, tie_weights=False, name="rev")(keras.layers.Flatten()(h)[:, :1])
    return keras.Model(inp, h)


def test_lora_model_file_holds_merged_weights_only(tmp_path):
    model = _lora_model()
    for name in ("emb", "proj", "rev"):
        model.get_layer(name).enable_lora(2)
        _set(model.get_layer(name).weights[-1], np.random.rand(*model.get_layer(name).weights[-1].shape))
    ids = np.array([[1, 2, 3], [6, 0, 4]])
    expected = _np(model(ids))
    model.save_weights(tmp_path / "w.weights.h5")
    found = {}
    with h5py.File(tmp_path / "w.weights.h5") as f:
        f.visititems(lambda n, o: found.__setitem__(n, list(o.shape)) if isinstance(o, h5py.Dataset) else None)
    assert found == LORA["files"]["lora_model"]
    plain = _lora_model()
    plain.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_allclose(_np(plain(ids)), expected, rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    for name in ("emb", "proj"):
        layer = again.get_layer(name)
        assert layer.lora_enabled and layer.lora_rank == 2
    emb = again.get_layer("emb")
    np.testing.assert_array_equal(_np(emb.lora_embeddings_b), 0)  # the merged table went to the frozen slot
    np.testing.assert_allclose(_np(emb._embeddings), _np(model.get_layer("emb").embeddings), rtol=1e-6)


def test_lora_fit_moves_only_a_and_b():
    inp = keras.Input((3,), dtype="int32")
    h = keras.layers.Embedding(7, 4, name="emb", lora_rank=2)(inp)
    h = keras.layers.EinsumDense("abc,cd->abd", output_shape=(3, 5), bias_axes="d", name="proj", lora_rank=2)(h)
    model = keras.Model(inp, h)
    frozen = {name: _np(model.get_layer(name).__dict__["_" + target]).copy()
              for name, target in (("emb", "embeddings"), ("proj", "kernel"))}
    pairs = {name: [_np(w).copy() for w in model.get_layer(name).weights if "lora" in w.name] for name in frozen}
    model.compile("adam", "mse")
    model.fit(np.random.randint(0, 7, (8, 3)), np.random.rand(8, 3, 5), epochs=2, verbose=0)
    for name, target in (("emb", "embeddings"), ("proj", "kernel")):
        np.testing.assert_array_equal(_np(model.get_layer(name).__dict__["_" + target]), frozen[name])
        moved = [_np(w) for w in model.get_layer(name).weights if "lora" in w.name]
        assert all(not np.array_equal(m, p) for m, p in zip(moved, pairs[name]))


def test_embedding_without_lora_keeps_its_lookup_kernel():
    from tkeras.layers.core import embedding as embedding_module
    layer = keras.layers.Embedding(20, 8)
    layer.build((None, 5))
    calls = []

    def spy(ids, table):
        calls.append(table)
        return real(ids, table)

    real, embedding_module.lookup = embedding_module.lookup, spy
    try:
        layer(torch.randint(0, 20, (4, 5)))
    finally:
        embedding_module.lookup = real
    assert len(calls) == 1 and calls[0] is layer.__dict__["_embeddings"] and not layer.lora_enabled


def test_a_keras_3_file_with_lora_loads_and_predicts_as_keras(tmp_path):
    # Written by real Keras 3.15.1 (tests/fixtures/make_lora_files.py): Dense and Embedding with LoRA on.
    fixtures = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures")
    with open(os.path.join(fixtures, "lora_files_io.json")) as f:
        io = json.load(f)
    model = keras.saving.load_model(os.path.join(fixtures, "k3_lora.keras"))
    assert [model.get_layer(name).lora_enabled for name in ("d1", "d2", "emb")] == [True, False, True]
    inputs = [np.asarray(io["x"], "float32"), np.asarray(io["ids"], "int32")]
    dense_out, emb_out = model.predict(inputs, verbose=0)
    np.testing.assert_allclose(dense_out, io["dense_out"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(emb_out, io["emb_out"], rtol=1e-6, atol=1e-7)
    # and tkeras writes it back in the same layout: the merged weights, still LoRA-enabled on reload
    model.save(tmp_path / "again.keras")
    again = keras.saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(inputs, verbose=0)[0], io["dense_out"], rtol=1e-5, atol=1e-6)
