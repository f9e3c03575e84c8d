"""tf-keras 2's `layers.experimental.DynamicEmbedding`: an Embedding behind a DynamicLookup, whose
vocabulary can be moved to the keys the data brings most often.

Calls map keys to indices with the DynamicLookup (`vocabulary_size` keys, then the OOV rows) and embed
them; the lookup counts keys as it goes (dynamic_lookup.py). `update_embeddings()` (which tf-keras'
UpdateEmbeddingCallback calls on a timer) installs the most frequent keys as the new vocabulary and
remaps the embedding matrix with `warmstart_embedding_matrix`: a key that stays keeps its row, others
(and the OOV rows, named "UNK") start again from `embedding_initializer`. Without such updates the
layer embeds as a plain Embedding over its initial vocabulary.

As tf-keras, `get_config()["input_dim"]` reports the embedding's row count (keys plus OOV rows), and
the sublayers get the layer's own keyword arguments (its name too). The frequency table is not a
weight (dynamic_lookup.py): `weights` holds the embedding matrix only.
"""
import numpy as np

from tkeras.layers.core.embedding import Embedding
from tkeras.layers.experimental.dynamic_lookup import DynamicLookup, top_keys
from tkeras.layers.layer import Layer

_OOV_KEY = "UNK"


class DynamicEmbedding(Layer):
    accepts_strings = True

    def __init__(self, input_dim, output_dim, initial_vocabulary, eviction_policy="LFU", input_length=None,
                 embedding_initializer="uniform", num_oov_indices=1, **kwargs):
        super().__init__(**kwargs)
        self.embedding_layer = Embedding(input_dim=input_dim + num_oov_indices, output_dim=output_dim,
                                         embeddings_initializer=embedding_initializer, input_length=input_length,
                                         **kwargs)
        self.dynamic_lookup_layer = DynamicLookup(vocabulary_size=input_dim, eviction_policy=eviction_policy,
                                                  initial_vocabulary=initial_vocabulary, **kwargs)
        self.embedding_initializer = embedding_initializer
        self.num_oov_indices = num_oov_indices

    def build(self, input_shape=None):
        self.embedding_layer.build(input_shape)
        self.dynamic_lookup_layer.build(input_shape)
        self.built = True

    def call(self, inputs, learn_vocab=True):
        return self.embedding_layer(self.dynamic_lookup_layer(inputs, learn_vocab=learn_vocab))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.embedding_layer.output_dim,)

    def _output_dtype(self, input_dtype):
        return self.embedding_layer.compute_dtype

    def get_vocabulary(self):
        return self.dynamic_lookup_layer.get_vocabulary()

    def get_top_vocabulary(self, keys, values, k):
        """The `k` keys of `keys` with the largest `values` (ties in order)."""
        return top_keys(np.asarray(keys), np.asarray(values), k)

    def aggregate_lookup_table(self, keys_list, values_list):
        """Several workers' tables as one: each distinct key (in order of first sight) with its summed count."""
        keys, values = np.asarray(keys_list).reshape(-1), np.asarray(values_list).reshape(-1)
        _, first, positions = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return keys[np.sort(first)], np.bincount(rank[positions], weights=values).astype(values.dtype)

    def update_embeddings(self, strategy=None):
        """Make the most frequent keys the vocabulary, and remap the embedding rows to them."""
        from tkeras.utils.embedding_utils import warmstart_embedding_matrix
        lookup = self.dynamic_lookup_layer
        if not self.embedding_layer.built:
            self.embedding_layer.build(None)
        old_vocabulary = lookup._vocabulary
        new_vocabulary = top_keys(lookup._keys, lookup._counts, lookup.vocabulary_size)
        embeddings = self.embedding_layer.embeddings
        remapped = warmstart_embedding_matrix(
            base_vocabulary=old_vocabulary.tolist(),
            new_vocabulary=new_vocabulary.tolist() + [_OOV_KEY] * self.num_oov_indices,
            base_embeddings=embeddings.detach()[:len(old_vocabulary)],
            new_embeddings_initializer=self.embedding_initializer)
        lookup._vocabulary = new_vocabulary
        embeddings.assign(remapped)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.embedding_layer.input_dim, "output_dim": self.embedding_layer.output_dim,
            "input_length": self.embedding_layer.input_length,
            "eviction_policy": self.dynamic_lookup_layer.eviction_policy,
            "initial_vocabulary": self.dynamic_lookup_layer._initial.tolist(),
            "embedding_initializer": self.embedding_initializer, "num_oov_indices": self.num_oov_indices})
        return config

    @classmethod
    def from_config(cls, config):
        """The config's `input_dim` counts the OOV rows too (see the module docstring): the layer is made
        again with the key count, so it gets the same rows (tf-keras' own from_config fails instead)."""
        config = dict(config)
        config["input_dim"] = config["input_dim"] - config.get("num_oov_indices", 1)
        return cls(**config)
