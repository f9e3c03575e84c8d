"""Keras 3's automatic config: a custom layer (or subclassed model) that never writes `get_config` gets
its constructor's arguments in its config when they are all plain values, and a clear error when they
are not. The expected configs and refusals were recorded from Keras 3 by
tests/fixtures/make_kio_auto_config_reference.py."""
import json
import os

import numpy as np
import pytest

import tkeras

_REFERENCE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kio_auto_config_reference.json")


class Block(tkeras.layers.Layer):
    def __init__(self, channels, scale, mode="same", **kwargs):
        super().__init__(**kwargs)
        self.channels, self.scale, self.mode = channels, scale, mode

    def call(self, x):
        return x * self.channels


class NoKwargs(tkeras.layers.Layer):
    def __init__(self, units, table=None):
        super().__init__()
        self.units = units

    def call(self, x):
        return x


class Overrides(tkeras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def get_config(self):
        return super().get_config()

    def call(self, x):
        return x


class Variadic(tkeras.layers.Layer):
    def __init__(self, *sizes, **kwargs):
        super().__init__(**kwargs)
        self.sizes = sizes

    def call(self, x):
        return x


class PositionalOnly(tkeras.layers.Layer):
    def __init__(self, units, /, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, x):
        return x


class Bare(tkeras.layers.Layer):
    def call(self, x):
        return x


class Tower(tkeras.Model):
    def __init__(self, units=4, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.dense = tkeras.layers.Dense(units)

    def call(self, x):
        return self.dense(x)


class Holder(tkeras.Model):
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, x):
        return self.inner(x)


CASES = {
    "positional_and_kwargs": lambda: Block(3, (2, 2), name="blk", trainable=False),
    "defaults_filled": lambda: Block(4, [1.5, None], name="blk2"),
    "dict_argument": lambda: Block({"a": 1, "b": [True, "x"]}, 2.0, mode="valid", name="blk3", dtype="float16"),
    "extra_base_kwargs": lambda: Block(1, 2, name="blk4", input_shape=(5,)),
    "no_kwargs_drops_name": lambda: NoKwargs(7),
    "overrides_get_config": lambda: Overrides(5, name="ov"),
    "variadic_empty": lambda: Variadic(name="var0"),
    "variadic_given": lambda: Variadic(2, 3, name="var1"),
    "positional_only": lambda: PositionalOnly(3, name="po"),
    "layer_argument": lambda: Block(tkeras.layers.Dense(2), 1, name="blk5"),
    "numpy_int_argument": lambda: Block(np.int64(3), 1, name="blk6"),
    "bare_layer": lambda: Bare(name="bare"),
    "model_subclass": lambda: Tower(name="tower", trainable=False),
    "model_subclass_layer_argument": lambda: Holder(tkeras.layers.Dense(1), name="holder"),
}


def _reference():
    with open(_REFERENCE) as f:
        return json.load(f)


def _recorded(config):
    return {key: list(value) if isinstance(value, tuple) else value for key, value in config.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_or_refusal_matches_keras3(case):
    expected = _reference()[case]
    layer = CASES[case]()
    if "error" in expected:
        with pytest.raises(NotImplementedError) as caught:
            layer.get_config()
        message = str(caught.value)
        assert type(layer).__name__ in message
        assert ("positional" in message) == (expected["reason"] == "positional")
        return
    want = {key: value["tuple"] if isinstance(value, dict) and "tuple" in value else value
            for key, value in expected["config"].items()}
    got = _recorded(layer.get_config())
    if isinstance(layer, tkeras.Model):
        want.pop("dtype")  # tkeras' Model config carries no dtype
    assert got == want
    tuples = [key for key, value in expected["config"].items() if isinstance(value, dict) and "tuple" in value]
    assert all(isinstance(layer.get_config()[key], tuple) for key in tuples)


def test_model_subclass_records_the_values_given():
    """Keras 3 records a subclassed model's defaults whatever was passed; tkeras keeps the values given,
    so the model that comes back from its config is the one that was saved."""
    config = Tower(8, depth=3, name="t8").get_config()
    assert (config["units"], config["depth"], config["name"]) == (8, 3, "t8")


def test_keras_file_round_trip_without_get_config(tmp_path):
    inputs = tkeras.Input((3,))
    outputs = Block(3, (2, 2), mode="valid", name="blk")(tkeras.layers.Dense(2)(inputs))
    model = tkeras.Model(inputs, outputs)
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = tkeras.models.load_model(path, custom_objects={"Block": Block})
    block = restored.get_layer("blk")
    assert (block.channels, tuple(block.scale), block.mode) == (3, (2, 2), "valid")
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_saving_a_layer_with_a_layer_argument_is_refused(tmp_path):
    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, Block(1, tkeras.layers.Dense(2), name="blk")(inputs))
    with pytest.raises(NotImplementedError, match="Block"):
        model.save(str(tmp_path / "m.keras"))
