"""get_source_inputs, is_keras_tensor, clear_session and get_uid as Keras 3 defines them."""
import numpy as np
import torch

import tkeras as keras
from tkeras.utils import get_source_inputs


def test_source_inputs_of_a_two_input_graph():
    first, second = keras.Input((3,), name="first"), keras.Input((3,), name="second")
    shared = keras.layers.Dense(2)
    x = keras.layers.Concatenate()([shared(second), shared(first), second])
    y = keras.layers.Dense(1)(x)
    sources = get_source_inputs(y)
    assert [s.name for s in sources] == ["second", "first"] and sources[0] is second
    assert get_source_inputs(first) == [first]
    assert get_source_inputs(y, layer=shared, node_index=1) == [first]  # tf-keras 2: start from a given call
    model = keras.Model(get_source_inputs(y), y)
    assert model.input_names == ["second", "first"]
    array = np.ones(3)
    assert get_source_inputs(array) is array


def test_is_keras_tensor():
    symbolic = keras.Input((2,))
    assert keras.utils.is_keras_tensor(symbolic) and keras.backend.is_keras_tensor(symbolic)
    assert not keras.utils.is_keras_tensor(torch.ones(2)) and not keras.utils.is_keras_tensor(np.ones(2))


def test_clear_session_resets_names_uids_and_the_dtype_policy():
    assert keras.layers.Dense(1).name == "dense"
    assert keras.backend.get_uid("dense") == 2  # the counter auto-names share, as in Keras
    assert keras.backend.get_uid("other") == 1
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    keras.utils.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert keras.config.dtype_policy().name == "float32"
    keras.backend.clear_session(free_memory=False)
    assert keras.backend.get_uid("dense") == 1
