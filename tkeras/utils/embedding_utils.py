"""`keras.utils.warmstart_embedding_matrix` (tf-keras 2): carry a trained embedding over to a new
vocabulary. Rows of terms the two vocabularies share are copied from the old matrix; rows of new
terms come from `new_embeddings_initializer`. Useful when a text model is retrained on a corpus
whose vocabulary has grown, without losing what the old embeddings learned."""
import os

import numpy as np
import torch


def _vocabulary_list(vocabulary, what):
    if isinstance(vocabulary, torch.Tensor):
        vocabulary = vocabulary.tolist()
    if isinstance(vocabulary, (str, os.PathLike)):
        if not os.path.exists(vocabulary):
            raise ValueError(f"warmstart_embedding_matrix: vocabulary file {vocabulary} does not exist.")
        with open(vocabulary, encoding="utf-8") as handle:
            vocabulary = handle.read().splitlines()
    elif isinstance(vocabulary, (np.ndarray, tuple, list)):
        vocabulary = [v.decode("utf-8") if isinstance(v, bytes) else v for v in list(vocabulary)]
    else:
        raise ValueError(f"warmstart_embedding_matrix: `{what}` must be a list/tuple/array of terms, a 1-D tensor "
                         f"or a vocabulary file path (one term per line); received {type(vocabulary).__name__}")
    if not vocabulary:
        raise ValueError(f"warmstart_embedding_matrix: `{what}` has no terms; it needs at least one")
    return vocabulary


def warmstart_embedding_matrix(base_vocabulary, new_vocabulary, base_embeddings, new_embeddings_initializer="uniform"):
    """The (len(new_vocabulary), dim) embedding matrix for `new_vocabulary`, as a tensor."""
    from tkeras import initializers
    base_terms = _vocabulary_list(base_vocabulary, "base_vocabulary")
    new_terms = _vocabulary_list(new_vocabulary, "new_vocabulary")
    base = torch.as_tensor(np.asarray(base_embeddings) if not isinstance(base_embeddings, torch.Tensor)
                           else base_embeddings.detach())
    if base.dim() != 2 or base.shape[0] != len(base_terms):
        raise ValueError(f"warmstart_embedding_matrix: base_embeddings must have one row per base_vocabulary term "
                         f"({len(base_terms)}, dim); received shape {tuple(base.shape)}")
    initializer = initializers.get(new_embeddings_initializer)
    matrix = torch.as_tensor(initializer(shape=(len(new_terms), base.shape[1]), dtype=base.dtype)).clone()
    row_of = {term: i for i, term in enumerate(base_terms)}
    pairs = [(i, row_of[term]) for i, term in enumerate(new_terms) if term in row_of]
    if pairs:
        new_rows, base_rows = zip(*pairs)
        matrix[list(new_rows)] = base[list(base_rows)].to(matrix.device, matrix.dtype)
    return matrix
