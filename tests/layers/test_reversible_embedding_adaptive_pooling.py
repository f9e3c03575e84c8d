"""ReversibleEmbedding and the adaptive pooling layers against real Keras 3.15.1 (fixture) and NumPy."""
import numpy as np
import pytest

import tkeras as keras
from tests.layers.reference_13b import assert_matches_keras, numpy, reference, weights
from tkeras import layers

REVERSIBLE = {"rev_tied": dict(input_dim=7, output_dim=4),
              "rev_untied_cap": dict(input_dim=7, output_dim=4, tie_weights=False, logit_soft_cap=2.0,
                                     mask_zero=True)}


@pytest.mark.parametrize("case", sorted(REVERSIBLE))
def test_reversible_embedding_matches_keras_both_ways(case):
    ids, hidden = reference()["rev/ids"], reference()["rev/hidden"]
    layer = layers.ReversibleEmbedding(**REVERSIBLE[case])
    layer(ids)
    layer.set_weights(weights(case))
    assert_matches_keras(layer(ids), f"{case}/y")
    assert_matches_keras(layer(hidden, reverse=True), f"{case}/logits")


def test_reversible_embedding_weights_mask_and_reverse_dtype():
    tied = layers.ReversibleEmbedding(5, 3)
    untied = layers.ReversibleEmbedding(5, 3, tie_weights=False, mask_zero=True, reverse_dtype="float64")
    ids = np.array([[1, 2, 0]])
    tied(ids)
    out = untied(ids)
    assert [w.name for w in tied.weights] == ["embeddings"]
    assert [(w.name, tuple(w.shape)) for w in untied.weights] == [("embeddings", (5, 3)),
                                                                  ("reverse_embeddings", (3, 5))]
    np.testing.assert_array_equal(numpy(out._keras_mask), [[True, True, False]])
    hidden = np.random.default_rng(0).standard_normal((2, 3)).astype("float32")
    logits = untied(hidden, reverse=True)
    assert numpy(logits).dtype == np.float64 and getattr(logits, "_keras_mask", None) is None
    np.testing.assert_allclose(numpy(logits), hidden.astype(np.float64) @ untied.get_weights()[1], atol=1e-12)
    np.testing.assert_allclose(numpy(tied(hidden, reverse=True)), hidden @ tied.get_weights()[0].T, atol=1e-6)


def test_reversible_embedding_as_a_tied_language_model_head():
    inputs = keras.Input((6,), dtype="int32")
    embedding = layers.ReversibleEmbedding(11, 8, name="tokens")
    hidden = layers.Dense(8)(embedding(inputs))
    model = keras.Model(inputs, embedding(hidden, reverse=True))
    assert tuple(model.output_shape) == (None, 6, 11)
    assert len(model.weights) == 3  # the table once, and the Dense
    ids = np.random.default_rng(1).integers(0, 11, size=(16, 6))
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()[0].copy()
    model.fit(ids, ids, epochs=1, verbose=0)
    assert not np.allclose(before, model.get_weights()[0])
    config = embedding.get_config()
    assert list(config)[-3:] == ["tie_weights", "reverse_dtype", "logit_soft_cap"]


def test_reversible_embedding_errors():
    layer = layers.ReversibleEmbedding(5, 3, name="rev")
    with pytest.raises(ValueError, match=r"'rev'.*reverse=True takes \(\.\.\., output_dim=3\) hidden states"):
        layer(np.zeros((2, 4), "float32"), reverse=True)
    with pytest.raises(ValueError, match="logit_soft_cap must be a positive number"):
        layers.ReversibleEmbedding(5, 3, logit_soft_cap=-1.0)


SIZES = {1: 3, 2: (3, 2), 3: (2, 3, 3)}


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kind", ["Average", "Max"])
def test_adaptive_pooling_matches_keras_in_both_data_formats(rank, kind):
    x = reference()[f"pool{rank}d/x"]
    cls = getattr(layers, f"Adaptive{kind}Pooling{rank}D")
    layer = cls(SIZES[rank])
    assert_matches_keras(layer(x), f"pool{rank}d/{kind}/last")
    assert tuple(layer.compute_output_shape((None,) + x.shape[1:])) == \
        (None,) + reference()[f"pool{rank}d/{kind}/last"].shape[1:]
    first = cls(SIZES[rank], data_format="channels_first")
    assert_matches_keras(first(np.moveaxis(x, -1, 1)), f"pool{rank}d/{kind}/first")


def test_adaptive_pooling_overlapping_windows_closed_form_and_config():
    x = np.arange(7, dtype="float32").reshape(1, 7, 1)
    # 7 steps into 3 cells: [0, 3), [2, 5), [4, 7)
    np.testing.assert_allclose(numpy(layers.AdaptiveAveragePooling1D(3)(x))[0, :, 0], [1.0, 3.0, 5.0])
    np.testing.assert_allclose(numpy(layers.AdaptiveMaxPooling1D(3)(x))[0, :, 0], [2.0, 4.0, 6.0])
    config = layers.AdaptiveMaxPooling2D(4, name="p").get_config()
    assert config == {"name": "p", "trainable": True, "dtype": "float32", "output_size": (4, 4),
                      "data_format": "channels_last"}
    assert layers.AdaptiveMaxPooling2D.from_config(config).output_size == (4, 4)


def test_adaptive_pooling_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"AdaptiveAveragePooling2D: output_size must be an int or a tuple of 2"):
        layers.AdaptiveAveragePooling2D((2, 2, 2))
    with pytest.raises(TypeError, match="output_size must be an int or a tuple of 1 int"):
        layers.AdaptiveMaxPooling1D("3")
    with pytest.raises(ValueError, match="every output size must be a positive integer"):
        layers.AdaptiveMaxPooling3D((2, 0, 2))
    with pytest.raises(ValueError, match="'data_format' must be 'channels_last' or 'channels_first'"):
        layers.AdaptiveMaxPooling1D(2, data_format="nhwc")
