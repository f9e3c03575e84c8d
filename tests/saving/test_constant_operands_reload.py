"""A functional model with a constant tensor among an operator's operands (`x + tf.constant(...)`, the
positional-encoding pattern) reloads from its .keras file with the same outputs (the constant came back
as its config dict: "unsupported operand type(s) for +: 'Tensor' and 'dict'")."""
import numpy as np
import pytest

import tkeras as keras
from tkeras.models.functional_ops import _decode


def test_constant_operand_survives_save_and_load(tmp_path):
    positions = keras.ops.convert_to_tensor(np.arange(12, dtype="float32").reshape(1, 4, 3) / 10)
    inputs = keras.Input((4, 3))
    hidden = keras.layers.Dense(3)(inputs) + positions
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(hidden)))
    data = np.random.default_rng(0).random((5, 4, 3)).astype("float32")
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(restored.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_constant_operand_dtypes_are_numeric():
    with pytest.raises(ValueError, match="constant operand of dtype 'object'"):
        _decode({"class_name": "__tensor__", "config": {"value": [1], "dtype": "object"}})
