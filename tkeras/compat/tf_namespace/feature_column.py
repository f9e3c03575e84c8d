"""`tf.feature_column`: the column constructors TensorFlow 2 code hands to `tf.keras.layers.DenseFeatures`
(the columns themselves, and what they compute, are in tkeras/layers/preprocessing/feature_columns.py).
Sequence columns (for tf-keras' SequenceFeatures) and shared embeddings are not provided."""
from tkeras.compat.tf_namespace._feature_parse_spec import make_parse_example_spec  # noqa: F401
from tkeras.layers.preprocessing import feature_columns as _fc


def numeric_column(key, shape=(1,), default_value=None, dtype="float32", normalizer_fn=None):
    return _fc.NumericColumn(key, shape, default_value, dtype, normalizer_fn)


def bucketized_column(source_column, boundaries):
    return _fc.BucketizedColumn(source_column, boundaries)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1, num_oov_buckets=0):
    return _fc.VocabularyListColumn(key, vocabulary_list, dtype, default_value, num_oov_buckets)


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None, dtype="string",
                                            default_value=None, num_oov_buckets=0):
    return _fc.VocabularyFileColumn(key, vocabulary_file, vocabulary_size, num_oov_buckets, default_value, dtype)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    return _fc.IdentityColumn(key, num_buckets, default_value)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype="string"):
    return _fc.HashedColumn(key, hash_bucket_size, dtype)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    return _fc.CrossedColumn(keys, hash_bucket_size, hash_key)


def indicator_column(categorical_column):
    return _fc.IndicatorColumn(categorical_column)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None, ckpt_to_load_from=None,
                     tensor_name_in_ckpt=None, max_norm=None, trainable=True, use_safe_embedding_lookup=True):
    return _fc.EmbeddingColumn(categorical_column, dimension, combiner, initializer, ckpt_to_load_from,
                               tensor_name_in_ckpt, max_norm, trainable, use_safe_embedding_lookup)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype="float32"):
    return _fc.WeightedCategoricalColumn(categorical_column, weight_feature_key, dtype)


def _not_provided(name, instead):
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"tf.feature_column.{name} is not supported in tkeras; {instead}")
    refuse.__name__ = name
    return refuse


shared_embeddings = _not_provided("shared_embeddings", "give each categorical column its own embedding_column, or "
                                                       "feed one keras.layers.Embedding with the ids of both")
for _name in ("sequence_categorical_column_with_identity", "sequence_categorical_column_with_hash_bucket",
              "sequence_categorical_column_with_vocabulary_file", "sequence_categorical_column_with_vocabulary_list",
              "sequence_numeric_column"):
    globals()[_name] = _not_provided(_name, "sequence feature columns feed tf-keras' SequenceFeatures, which "
                                            "tkeras does not have; use keras.layers (StringLookup, Embedding) on "
                                            "the sequences")
