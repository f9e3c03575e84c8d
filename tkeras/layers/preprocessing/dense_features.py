"""tf-keras 2's DenseFeatures: a dict of raw feature columns -> one float32 batch, by feature columns.

The first layer of the TensorFlow 2 structured-data tutorials
(`tf.keras.Sequential([layers.DenseFeatures(feature_columns), layers.Dense(128), ...])`, trained on
`tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))`). Each column turns its features into a
dense block (`feature_columns.py`); the blocks are flattened per example and concatenated in the order
of the columns' names, as tf-keras does, whatever order they were given in. Embedding columns own a
`<column>/embedding_weights` table, made on a sublayer named after the column so that the weight's
path reads as tf-keras names it (`dense_features/thal_embedding/embedding_weights`).
"""
import torch

from tkeras.layers import layer_paths
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing import feature_columns as fc


class _EmbeddingTableOwner(Layer):
    """Holds one embedding column's table, under the column's name."""

    def call(self, inputs):
        return inputs


class DenseFeatures(Layer):
    """Concatenate the dense blocks of `feature_columns` (numeric, bucketized, indicator and embedding
    columns) computed from a dict of features."""

    accepts_strings = True

    def __init__(self, feature_columns, trainable=True, name=None, **kwargs):
        kwargs.pop("partitioner", None)  # tf-keras 1.x's variable partitioning: one table per column here
        super().__init__(trainable=trainable, name=name, **kwargs)
        columns = list(feature_columns) if isinstance(feature_columns, (list, tuple)) else [feature_columns]
        if not columns:
            raise ValueError("DenseFeatures: feature_columns must not be empty")
        for column in columns:
            if not isinstance(column, fc.DenseColumn):
                raise ValueError(f"DenseFeatures: every feature column must be dense (numeric_column, "
                                 f"bucketized_column, indicator_column, embedding_column); wrap categorical column "
                                 f"{getattr(column, 'name', column)!r} in indicator_column or embedding_column")
        names = [c.name for c in columns]
        if len(set(names)) != len(names):
            raise ValueError(f"DenseFeatures: duplicate feature column names {sorted(names)}")
        self.feature_columns = columns
        self._ordered_columns = sorted(columns, key=lambda c: c.name)
        self.embedding_tables = {}
        self._table_owners = {}

    def embedding_owner(self, column_name):
        owner = _EmbeddingTableOwner(name=column_name)
        self._table_owners[column_name] = owner
        setattr(self, f"_table_owner_{len(self._table_owners)}", owner)
        with layer_paths.building(owner):  # its path under this layer's (which is being built)
            owner.built = True
        return owner

    def build(self, input_shape=None):
        for column in self._ordered_columns:
            column.create_state(self)
        self.built = True

    def call(self, features, cols_to_output_tensors=None, training=None):
        if not isinstance(features, dict):
            raise ValueError(f"DenseFeatures: call it on a dict of features (column name -> values), received "
                             f"{type(features).__name__}")
        blocks = []
        for column in self._ordered_columns:
            block = column.dense(features, self)
            block = block.reshape(block.shape[0], -1)
            if cols_to_output_tensors is not None:
                cols_to_output_tensors[column] = block
            blocks.append(block)
        device = blocks[0].device
        return torch.cat([b.to(device) for b in blocks], dim=1)

    def compute_output_shape(self, input_shape):
        batch = None
        if isinstance(input_shape, dict) and input_shape:
            first = next(iter(input_shape.values()))
            batch = first[0] if isinstance(first, (tuple, list)) and first else None
        width = 0
        for column in self._ordered_columns:
            size = 1
            for dim in column.variable_shape:
                size *= dim
            width += size
        return (batch, width)

    def get_config(self):
        config = super().get_config()
        config["feature_columns"] = [fc.serialize_column(c) for c in self.feature_columns]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["feature_columns"] = [fc.deserialize_column(c, custom_objects) for c in config["feature_columns"]]
        return cls(**config)
