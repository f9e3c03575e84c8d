"""keras.random.SeedGenerator's public surface against Keras 3.15.1 (tests/fixtures/make_seed_generator_reference.py):
`next()` returns the state and advances it as Keras does, `get_config` round-trips, bad arguments are
refused by name; and a seeded generator still drives tkeras' draws reproducibly."""
import json
import os

import pytest
import torch

import tkeras as keras

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "seed_generator_reference.json")) as _f:
    REF = json.load(_f)


def test_next_returns_the_state_then_advances_it_as_keras():
    ordered = keras.random.SeedGenerator(42)
    assert [ordered.next().tolist() for _ in range(3)] == REF["ordered_42"]
    unordered = keras.random.SeedGenerator(7)
    assert [unordered.next(ordered=False).tolist() for _ in range(3)] == REF["unordered_7"]
    assert ordered.state.dtype == torch.int64 and ordered.state.tolist() == [42, 3]


def test_config_round_trip():
    generator = keras.random.SeedGenerator(42, name="seed_generator")
    assert generator.get_config() == REF["config_42"]
    again = keras.random.SeedGenerator.from_config(generator.get_config())
    assert again.get_config() == generator.get_config() and again.state.tolist() == [42, 0]


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="seed"):
        keras.random.SeedGenerator(seed=1.5)
    with pytest.raises(ValueError, match="unexpected keyword"):
        keras.random.SeedGenerator(seed=1, shape=(2,))


def test_a_seeded_generator_still_gives_reproducible_draws():
    first = keras.random.normal((3,), seed=keras.random.SeedGenerator(5))
    second = keras.random.normal((3,), seed=keras.random.SeedGenerator(5))
    assert torch.equal(torch.as_tensor(first), torch.as_tensor(second))
