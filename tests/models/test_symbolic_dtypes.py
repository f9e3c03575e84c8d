"""The dtype of symbolic tensors in the functional API follows Keras 3 under a mixed policy: a layer's
compute dtype (bfloat16 after a mixed_bfloat16 Dense, float16 likewise), float32 after a float32 head,
and a nested model's output dtype for the model (Keras 3.15.1's mixed precision guide prints these)."""
import numpy as np
import pytest

import tkeras as keras
from tkeras import layers, mixed_precision


@pytest.fixture(autouse=True)
def _float32_afterwards():
    yield
    mixed_precision.set_global_policy("float32")


def test_mixed_float16_layers_hand_out_float16_and_a_float32_head_float32():
    mixed_precision.set_global_policy("mixed_bfloat16")
    inputs = keras.Input((8,))
    hidden = layers.Dense(4)(inputs)
    logits = layers.Dense(3)(hidden)
    outputs = layers.Activation("softmax", dtype="float32")(logits)
    assert (inputs.dtype, hidden.dtype, logits.dtype, outputs.dtype) == ("float32", "bfloat16", "bfloat16", "float32")
    model = keras.Model(inputs, outputs)
    eager = model(np.ones((2, 8), "float32"))
    assert str(eager.dtype).endswith("float32")


def test_nested_models_report_their_own_output_dtype():
    mixed_precision.set_global_policy("mixed_bfloat16")
    inner_in = keras.Input((8,))
    inner = keras.Model(inner_in, layers.Dense(2, dtype="float32")(layers.Dense(4)(inner_in)))
    stack = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
    outer_in = keras.Input((8,))
    assert inner(outer_in).dtype == "float32"
    assert stack(outer_in).dtype == "bfloat16"


def test_float32_policy_keeps_float32_everywhere():
    inputs = keras.Input((8,))
    assert layers.Dense(4)(inputs).dtype == "float32"
