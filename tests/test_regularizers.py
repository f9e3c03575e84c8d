"""keras.regularizers.orthogonal_regularizer: Keras' snake_case alias, with the penalty against NumPy."""
import numpy as np

import tkeras as keras
from tkeras import regularizers


def _orthogonal_penalty(matrix, factor, mode):
    """NumPy: mean |cosine| between distinct rows (or columns), times factor."""
    vectors = matrix if mode == "rows" else matrix.T
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = np.abs(unit @ unit.T)
    n = len(unit)
    return factor * (cosines.sum() - np.trace(cosines)) / (n * (n - 1))


def test_orthogonal_regularizer_is_the_class_under_keras_snake_case_name():
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    assert isinstance(regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer)
    weights = np.random.default_rng(0).standard_normal((4, 6)).astype("float32")
    for mode in ("rows", "columns"):
        penalty = regularizers.orthogonal_regularizer(factor=0.3, mode=mode)(keras.ops.convert_to_tensor(weights))
        np.testing.assert_allclose(float(penalty), _orthogonal_penalty(weights.astype("float64"), 0.3, mode),
                                   rtol=1e-5)
    config = regularizers.serialize(regularizers.orthogonal_regularizer(0.1))
    assert config["class_name"] == "OrthogonalRegularizer" and config["module"] == "keras.regularizers"
