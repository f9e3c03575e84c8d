"""tf-keras 2's experimental DynamicLookup and DynamicEmbedding against outputs recorded from tf-keras by
tests/fixtures/make_kio_dynamic_lookup_reference.py: lookups, the LFU frequency table after each batch
(evictions in table order, new keys in sorted order), top-k vocabularies, configs, and
update_embeddings' remapping of the embedding rows."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras
from tkeras.compat import tf_namespace as tf
from tkeras.layers.experimental import DynamicEmbedding, DynamicLookup

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_dynamic_lookup_reference.json")


@pytest.fixture(scope="module")
def reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def plain(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.decode("utf-8") if isinstance(value, bytes) else value


def table(layer):
    return {"keys": plain(layer.vocabulary_table_keys), "counts": plain(layer.vocabulary_table_values)}


def _run(layer, batches, expected, as_input):
    for batch, step in zip(batches, expected["steps"]):
        out = layer(as_input(batch))
        assert out.dtype == torch.int64
        assert plain(out) == step["output"]
        assert table(layer) == step["table"]
        assert plain(layer.get_top_vocabulary(2)) == step["top_2"]
        assert plain(layer.get_vocabulary()) == step["vocabulary"]
    assert plain(layer(as_input(batches[0]), learn_vocab=False)) == expected["frozen_output"]
    assert table(layer) == expected["frozen_table"]
    config = layer.get_config()
    assert {key: config[key] for key in expected["config"]} == expected["config"]


def test_string_lookup_learns_by_frequency(reference):
    layer = DynamicLookup(3, tf.constant(["apple", "banana", "cherry"]), name="lookup")
    _run(layer, reference["string_batches"], reference["string"], tf.constant)


def test_integer_lookup_learns_by_frequency(reference):
    layer = DynamicLookup(4, tf.constant([10, 20, 30, 40], dtype=tf.int64), name="ids")
    _run(layer, reference["int_batches"], reference["int"], lambda batch: tf.constant(batch, dtype=tf.int64))


def test_dynamic_embedding_updates_its_rows(reference):
    expected = reference["embedding"]
    layer = DynamicEmbedding(input_dim=3, output_dim=2, initial_vocabulary=tf.constant(["a", "b", "c"]),
                             embedding_initializer="zeros", name="dyn")
    assert list(layer(tf.constant([["a", "z"], ["c", "b"]])).shape) == expected["first_shape"]
    layer.embedding_layer.embeddings.assign(np.arange(8, dtype="float32").reshape(4, 2))
    assert plain(layer(tf.constant([["b", "d"], ["d", "e"]]), learn_vocab=False)) == expected["looked_up"]
    assert table(layer.dynamic_lookup_layer) == expected["table"]
    layer.update_embeddings(None)
    assert plain(layer.get_vocabulary()) == expected["vocabulary_after_update"]
    assert plain(layer.embedding_layer.embeddings) == expected["embeddings_after_update"]
    assert plain(layer(tf.constant([["b", "d", "a", "q"]]), learn_vocab=False)) == expected["after_update"]
    config = layer.get_config()
    assert {key: config[key] for key in expected["config"]} == expected["config"]


def test_dynamic_embedding_trains_in_a_model():
    model = tkeras.Sequential([tkeras.Input((3,), dtype="string"),
                               DynamicEmbedding(input_dim=4, output_dim=2, initial_vocabulary=["a", "b", "c", "d"]),
                               tkeras.layers.Flatten(), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.array([["a", "b", "x"], ["c", "d", "a"]]), np.zeros((2, 1)), epochs=1, verbose=0)
    assert model.output_shape == (None, 1)
    # one batch counted once ("a", least frequent and first, made room for "x"), the shape probe not at all
    assert table(model.layers[0].dynamic_lookup_layer) == {"keys": ["b", "c", "d", "x"], "counts": [1, 1, 1, 1]}


def test_refusals_name_the_layer():
    with pytest.raises(ValueError, match="'LFU'"):
        DynamicLookup(3, ["a", "b", "c"], eviction_policy="LRU", name="lk")
    with pytest.raises(ValueError, match="initial_vocabulary"):
        DynamicLookup(3, 1.5, name="lk")
    assert len(DynamicLookup(5, tf.string).get_vocabulary()) == 5


def test_dynamic_embedding_from_its_config_has_the_same_rows():
    layer = DynamicEmbedding(input_dim=3, output_dim=2, initial_vocabulary=["a", "b", "c"], num_oov_indices=2)
    again = DynamicEmbedding.from_config(layer.get_config())
    assert again.get_config() == layer.get_config() and again.embedding_layer.input_dim == 5


def test_dynamic_embedding_model_reloads_from_a_keras_file(tmp_path):
    inputs = tkeras.Input((3,), dtype="int64")
    layer = DynamicEmbedding(input_dim=5, output_dim=2, initial_vocabulary=np.array([1, 2, 3, 4, 5]), name="de")
    model = tkeras.Model(inputs, layer(inputs))
    x = np.array([[1, 2, 9]])
    model.save(tmp_path / "m.keras")
    loaded = tkeras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.get_layer("de")) is DynamicEmbedding
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
